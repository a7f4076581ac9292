"""Celery tasks for scans: each takes a scan id and calls the service, which re-reads the row.

`acks_late` with `reject_on_worker_lost`: a worker that dies mid-scan leaves the message to be
delivered again, and the service makes a second run store nothing twice.
"""

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
    from scans.services.scans import scan_queued_run

    scan_queued_run(scan_id=scan_id)
