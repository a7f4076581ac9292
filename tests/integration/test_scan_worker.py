"""Queued scans on a real Celery worker over Redis: one killed with SIGKILL mid-scan loses nothing."""

import os
import signal
import time
from pathlib import Path

import pytest

from organizations.roles import Role
from projects.models import Project
from scans.inputs import ScanInput
from scans.models import Finding, Scan
from scans.runners import scan_engine_run
from scans.services import scan_submit
from tests.organizations.factories import MembershipFactory
from tests.processes import celery_worker_running
from tests.projects.factories import ProjectFactory
from tests.scans.conftest import LEAKY_CODE

pytestmark = pytest.mark.integration
WAIT_SECONDS = 60.0


def _until(check, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture
def large_snippet(settings) -> ScanInput:
    # Over the inline limit, so it is queued; the leaky lines are at both ends.
    padding = "".join(f"value_{index} = {index}\n" for index in range(settings.SCAN_INLINE_MAX_BYTES // 10))
    text = LEAKY_CODE + padding + LEAKY_CODE
    assert len(text) > settings.SCAN_INLINE_MAX_BYTES
    return ScanInput(kind=Scan.InputKind.SNIPPET, text=text, path="big.py", language="python")


def test_a_scan_whose_worker_is_killed_completes_after_a_restart_with_findings_stored_once(
    transactional_db, process_env, celery_queue, settings, tmp_path, large_snippet
):
    settings.SCAN_INPUT_DIR = str(tmp_path / "inputs")
    started = tmp_path / "started"
    env = {**process_env, "SCAN_INPUT_DIR": settings.SCAN_INPUT_DIR, "SLOW_SCAN_STARTED": str(started)}
    membership = MembershipFactory(role=Role.MEMBER)
    project = ProjectFactory(organization=membership.organization)
    expected = {
        (found.fingerprint, found.line, found.column)
        for found in scan_engine_run(scan_type=Scan.ScanType.CODE, source=large_snippet).findings
    }

    with celery_worker_running(env, queue=celery_queue, app="tests.integration.slow_worker") as doomed:
        scan, _ = scan_submit(actor=membership.user, project=project, scan_type="code", source=large_snippet)
        _until(started.exists, "the worker to begin the scan")
        assert Scan.objects.get(pk=scan.pk).status == Scan.Status.RUNNING
        os.kill(doomed.process.pid, signal.SIGKILL)
        doomed.process.wait(timeout=10)

    assert Scan.objects.get(pk=scan.pk).status == Scan.Status.RUNNING
    assert list(Path(settings.SCAN_INPUT_DIR).iterdir())  # the input waits for the next delivery
    # The killed worker never acknowledged the message; Redis hands it out again after the visibility
    # timeout, shortened here so the test need not wait an hour.
    with celery_worker_running({**env, "CELERY_VISIBILITY_TIMEOUT": "2"}, queue=celery_queue):
        _until(lambda: Scan.objects.get(pk=scan.pk).status == Scan.Status.COMPLETED, "the scan to complete")

    stored = Finding.objects.filter(scan=scan)
    assert expected
    assert {(found.fingerprint, found.line, found.column) for found in stored} == expected
    assert stored.count() == len(expected)
    assert Project.objects.get(pk=project.pk).scan_count == 1
    assert list(Path(settings.SCAN_INPUT_DIR).iterdir()) == []


def test_a_scan_whose_worker_child_is_killed_is_requeued_at_once_and_completes(
    transactional_db, process_env, celery_queue, settings, tmp_path, large_snippet
):
    settings.SCAN_INPUT_DIR = str(tmp_path / "inputs")
    started = tmp_path / "started"
    env = {**process_env, "SCAN_INPUT_DIR": settings.SCAN_INPUT_DIR, "SLOW_SCAN_STARTED": str(started)}
    membership = MembershipFactory(role=Role.MEMBER)
    project = ProjectFactory(organization=membership.organization)

    with celery_worker_running(env, queue=celery_queue, app="tests.integration.slow_worker", pool="prefork"):
        scan, _ = scan_submit(actor=membership.user, project=project, scan_type="code", source=large_snippet)
        _until(lambda: started.exists() and started.read_text(), "a worker child to begin the scan")
        # The pool's parent sees its child die and, with reject_on_worker_lost, puts the message back.
        os.kill(int(started.read_text()), signal.SIGKILL)
        _until(lambda: Scan.objects.get(pk=scan.pk).status == Scan.Status.COMPLETED, "the scan to complete")

    assert Finding.objects.filter(scan=scan, category="secret").count() == 2  # the two leaky lines, once each
    assert Project.objects.get(pk=project.pk).scan_count == 1


def test_a_queued_scan_runs_on_the_worker_after_the_request_has_answered(
    transactional_db, process_env, celery_queue, settings, tmp_path, large_snippet
):
    settings.SCAN_INPUT_DIR = str(tmp_path / "inputs")
    membership = MembershipFactory(role=Role.MEMBER)
    project = ProjectFactory(organization=membership.organization)

    with celery_worker_running({**process_env, "SCAN_INPUT_DIR": settings.SCAN_INPUT_DIR}, queue=celery_queue):
        scan, outcome = scan_submit(actor=membership.user, project=project, scan_type="code", source=large_snippet)
        assert (scan.status, outcome) == (Scan.Status.QUEUED, None)
        _until(lambda: Scan.objects.get(pk=scan.pk).status == Scan.Status.COMPLETED, "the scan to complete")

    assert Finding.objects.filter(scan=scan, category="secret").exists()
    assert Project.objects.get(pk=project.pk).scan_count == 1
