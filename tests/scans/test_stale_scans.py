"""Scans no worker has any more: the sweeper queues them again, and one that keeps killing its worker
is failed rather than retried for ever."""

from datetime import timedelta

import pytest
from django.utils import timezone

from scans.models import Finding, Scan
from scans.services.scans import STOPPED_MESSAGE, scan_queued_run
from scans.storage import scan_input_save
from scans.tasks import scans_stale_requeue_task
from tests.scans.conftest import LEAKY_CODE
from tests.scans.factories import ScanFactory

pytestmark = pytest.mark.django_db


def _left(project, *, status: str, age: timedelta, **fields) -> Scan:
    """A scan a worker took (or the queue held) `age` ago, with its input still stored."""
    then = timezone.now() - age
    scan = ScanFactory(project=project, status=status, created_at=then, started_at=then, **fields)
    scan_input_save(scan_id=scan.pk, content=LEAKY_CODE.encode())
    return scan


def test_a_scan_running_past_the_hard_limit_or_long_queued_is_run_again(project, settings):
    settings.SCAN_TASK_TIME_LIMIT, settings.SCAN_STALE_QUEUED_SECONDS = 60, 3600
    lost = _left(project, status=Scan.Status.RUNNING, age=timedelta(seconds=121), attempts=1)
    forgotten = _left(project, status=Scan.Status.QUEUED, age=timedelta(hours=2))

    assert scans_stale_requeue_task() == 2  # tasks run eagerly here: each scan ran at once

    for scan in (lost, forgotten):
        scan.refresh_from_db()
        assert scan.status == Scan.Status.COMPLETED
        assert Finding.objects.in_organization(project.organization).filter(scan=scan).exists()


def test_scans_still_within_their_time_or_finished_are_left_alone(project, settings):
    settings.SCAN_TASK_TIME_LIMIT, settings.SCAN_STALE_QUEUED_SECONDS = 60, 3600
    busy = _left(project, status=Scan.Status.RUNNING, age=timedelta(seconds=90))
    waiting = _left(project, status=Scan.Status.QUEUED, age=timedelta(minutes=30))
    _left(project, status=Scan.Status.COMPLETED, age=timedelta(days=2))
    _left(project, status=Scan.Status.FAILED, age=timedelta(days=2))

    assert scans_stale_requeue_task() == 0
    busy.refresh_from_db()
    waiting.refresh_from_db()
    assert (busy.status, waiting.status) == (Scan.Status.RUNNING, Scan.Status.QUEUED)


def test_a_scan_taken_up_too_often_is_failed_without_running(project, settings):
    settings.SCAN_MAX_ATTEMPTS = 3
    poison = _left(project, status=Scan.Status.RUNNING, age=timedelta(hours=1), attempts=3)

    scan_queued_run(scan=poison)

    poison.refresh_from_db()
    assert (poison.status, poison.error_message) == (Scan.Status.FAILED, STOPPED_MESSAGE)
    assert poison.attempts == 3
    assert not Finding.objects.in_organization(project.organization).filter(scan=poison).exists()


def test_each_run_counts_an_attempt(project):
    scan = _left(project, status=Scan.Status.QUEUED, age=timedelta(0))

    scan_queued_run(scan=scan)

    scan.refresh_from_db()
    assert (scan.status, scan.attempts) == (Scan.Status.COMPLETED, 1)
