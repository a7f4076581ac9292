"""Celery tasks for scans: each takes a scan id and calls the service, which re-reads the row.

`acks_late` with `reject_on_worker_lost`: a worker that dies mid-scan leaves the message to be
delivered again, and the service makes a second run store nothing twice.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError


# The soft limit raises inside the engine, which fails the scan with its usual message; the hard one
# ends a child the soft limit could not interrupt.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.SCAN_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.SCAN_TASK_TIME_LIMIT,
    # A lost database connection or a full disk is worth a few tries; a scan's own failure is stored instead.
    autoretry_for=(OperationalError, InterfaceError, OSError),
    retry_backoff=True,
    max_retries=settings.SCAN_TASK_MAX_RETRIES,
)
def scan_run_task(scan_id: str) -> None:  # a UUID as text: task arguments stay JSON
    from scans.models import Scan
    from scans.services.scans import scan_queued_run

    # A worker serves every organization: the scan's id, sent by the service that authorized it, is the scope.
    scan = Scan.objects.dangerously_unscoped().select_related("project__organization").filter(pk=scan_id).first()
    if scan is not None:  # its project may have been deleted since it was queued
        scan_queued_run(scan=scan)


@shared_task
def scans_stale_requeue_task() -> int:
    """Queue again the scans no worker has any more: queued for longer than SCAN_STALE_QUEUED_SECONDS
    (a broker that lost its messages), or running past the hard time limit (a worker lost, with Redis's
    visibility timeout still far off). A scan that is in fact still queued runs once all the same: the
    second delivery finds it finished. Sent by beat every SCAN_SWEEP_SECONDS; the count it queued."""
    from django.db.models import Q
    from django.utils import timezone

    from scans.models import Scan

    now = timezone.now()
    running_until = now - timedelta(seconds=settings.SCAN_TASK_TIME_LIMIT + 60)
    queued_until = now - timedelta(seconds=settings.SCAN_STALE_QUEUED_SECONDS)
    # Across organizations, like the worker itself: only ids leave this query, and each run re-scopes.
    stale = list(
        Scan.objects.dangerously_unscoped()
        .filter(
            Q(status=Scan.Status.RUNNING, started_at__lt=running_until)
            | Q(status=Scan.Status.QUEUED, created_at__lt=queued_until)
        )
        .values_list("pk", flat=True)
    )
    for scan_id in stale:
        scan_run_task.delay(str(scan_id))
    return len(stale)
