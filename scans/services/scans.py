"""A scan's life: started through the quota seam, run by the engine, its findings stored once."""

import logging
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alerts.services import alerts_raise_for_scan
from billing import quotas
from core.exceptions import BastionError
from organizations.access import organization_action_require
from organizations.roles import Action
from projects.models import Project
from projects.services import project_scan_record
from scans import tasks
from scans.archives import archive_members
from scans.engine.findings import Finding as EngineFinding
from scans.engine.findings import Severity
from scans.exceptions import ScanLimitExceeded
from scans.inputs import ScanInput
from scans.models import Finding, Scan, Triage
from scans.repositories import repository_url_check
from scans.runners import Outcome, archive_limits, scan_engine_run
from scans.storage import scan_input_delete, scan_input_open, scan_input_save

if TYPE_CHECKING:
    from organizations.models import Actor

logger = logging.getLogger("bastion.scans")
# What a failed scan tells its reader: the engine's own message could quote the input.
FAILED_MESSAGE = "The scan could not be completed. Quote the scan id when reporting it."
STOPPED_MESSAGE = "The scan stopped its worker every time it ran. Quote the scan id when reporting it."


@transaction.atomic
def scan_start(*, actor: "Actor", project: Project, scan_type: str, source: ScanInput) -> Scan:
    """The one way a scan begins, whatever asks for it: the role table, then the plan, then a queued row."""
    organization = project.organization
    organization_action_require(actor=actor, organization=organization, action=Action.SCANS_CREATE)
    if not quotas.scan_allowed(organization=organization):
        raise ScanLimitExceeded()
    by_key = getattr(actor, "is_api_key", False)
    return Scan.objects.create(
        project=project,
        scan_type=scan_type,
        input_kind=source.kind,
        input_summary=source.summary(),
        created_by=None if by_key else actor,
        created_by_api_key=actor.api_key if by_key else None,
    )


def _queued(source: ScanInput) -> bool:
    # Snippets, prompts and texts alike: past the limit, a request would wait on the engine.
    return source.kind in (Scan.InputKind.ARCHIVE, Scan.InputKind.REPOSITORY) or (
        source.size > settings.SCAN_INLINE_MAX_BYTES
    )


def _source_check(project: Project, source: ScanInput) -> None:
    """Refuse, before a scan is counted, what the worker would refuse: a hostile archive, a project
    without a repository it can clone, or one on a private host. The archive is read through once
    here, its contents counted and dropped."""
    if source.kind == Scan.InputKind.ARCHIVE:
        for _member in archive_members(source.archive, archive_limits(), keep=False):
            pass
    elif source.kind == Scan.InputKind.REPOSITORY:
        repository_url_check(project.repo_url, allow_private=settings.ALLOW_PRIVATE_REPO_URLS)


def scan_submit(*, actor: "Actor", project: Project, scan_type: str, source: ScanInput) -> tuple[Scan, Outcome | None]:
    """Start a scan and run it within the request when its input is small; otherwise keep the input
    for a worker and queue the scan once its row is committed (the Outcome is then None)."""
    _source_check(project, source)
    if not _queued(source):
        scan = scan_start(actor=actor, project=project, scan_type=scan_type, source=source)
        return scan, scan_run(scan=scan, source=source)
    with transaction.atomic():
        scan = scan_start(actor=actor, project=project, scan_type=scan_type, source=source)
        if source.kind != Scan.InputKind.REPOSITORY:
            content = source.archive if source.archive is not None else source.text.encode("utf-8", "surrogatepass")
            scan_input_save(scan_id=scan.pk, content=content)
        transaction.on_commit(lambda: tasks.scan_run_task.delay(str(scan.pk)))
    # Without a broker the task has run at commit: the answer shows the finished scan.
    scan.refresh_from_db()
    return scan, None


def scan_queued_run(*, scan: Scan) -> None:
    """The worker's side: rebuild the input from the stored file or the project, run, then drop the input."""
    if scan.status in (Scan.Status.COMPLETED, Scan.Status.FAILED):
        scan_input_delete(scan_id=scan.pk)
        return
    summary = scan.input_summary
    base = {"kind": scan.input_kind, "path": summary.get("path", ""), "language": summary.get("language", "")}
    if scan.input_kind == Scan.InputKind.REPOSITORY:
        project = scan.project
        source = ScanInput(**base, ref=summary["ref"], repo_url=project.repo_url, token=project.github_token)
        scan_run(scan=scan, source=source)
        return
    try:
        stored = scan_input_open(scan_id=scan.pk)
    except FileNotFoundError:
        # A worker without the web processes' SCAN_INPUT_DIR: retrying would not bring the file back.
        logger.error("Scan %s has no stored input in SCAN_INPUT_DIR", scan.pk)
        if _claimed(scan):
            _finish(scan, status=Scan.Status.FAILED, started=time.perf_counter(), error_message=FAILED_MESSAGE)
        return
    with stored:
        if scan.input_kind == Scan.InputKind.ARCHIVE:
            source = ScanInput(**base, archive=stored)
        else:
            source = ScanInput(**base, text=stored.read().decode("utf-8", "surrogatepass"))
        scan_run(scan=scan, source=source)
    scan_input_delete(scan_id=scan.pk)


def _claimed(scan: Scan) -> bool:
    """Mark the scan running, unless it already finished: a redelivered task then does nothing. One
    taken up SCAN_MAX_ATTEMPTS times already (each run killed its worker) is failed instead."""
    unfinished = Scan.objects.in_organization(scan.project.organization_id).filter(
        pk=scan.pk, status__in=(Scan.Status.QUEUED, Scan.Status.RUNNING)
    )
    claimed = unfinished.filter(attempts__lt=settings.SCAN_MAX_ATTEMPTS).update(
        status=Scan.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed and unfinished.update(
        status=Scan.Status.FAILED, completed_at=timezone.now(), error_message=STOPPED_MESSAGE
    ):
        logger.error("Scan %s failed after %s attempts", scan.pk, settings.SCAN_MAX_ATTEMPTS)
    scan.refresh_from_db()
    return bool(claimed)


def _triaged(scan: Scan) -> set[str]:
    return set(Triage.objects.in_organization(scan.project.organization_id).values_list("fingerprint", flat=True))


def _row(scan: Scan, found: EngineFinding) -> Finding:
    return Finding(
        scan=scan,
        rule_id=found.rule_id,
        category=found.category.value,
        severity=found.severity.value,
        confidence=found.confidence.value,
        title=found.title[:200],
        description=found.description,
        remediation=found.remediation,
        file_path=found.path[:1000],
        line=found.line,
        column=found.column,
        snippet=found.snippet,
        fingerprint=found.fingerprint,
    )


def scan_run(*, scan: Scan, source: ScanInput) -> Outcome | None:
    """Run the engine on a started scan and store what it found. Running it again stores nothing twice
    and counts the scan once; None when the scan had already finished, or failed now."""
    if not _claimed(scan):
        return None
    started = time.perf_counter()
    try:
        outcome = scan_engine_run(scan_type=scan.scan_type, source=source)
    except BastionError as error:
        # Our own refusals (a clone over its size, a ref that does not exist) name no input.
        logger.info("Scan %s refused by %s", scan.pk, error.error_code)
        _finish(scan, status=Scan.Status.FAILED, started=started, error_message=str(error.detail)[:500])
        return None
    except Exception:  # noqa: BLE001 -- any engine failure fails this scan, not the request or the worker
        logger.exception("Scan %s failed in the engine", scan.pk)
        _finish(scan, status=Scan.Status.FAILED, started=started, error_message=FAILED_MESSAGE)
        return None
    _store(scan, outcome, started=started)
    return outcome


@transaction.atomic
def _store(scan: Scan, outcome: Outcome, *, started: float) -> None:
    hidden = _triaged(scan)
    kept = [found for found in outcome.findings if found.fingerprint not in hidden]
    # The unique constraint makes a second delivery's rows no-ops.
    Finding.objects.bulk_create([_row(scan, found) for found in kept], ignore_conflicts=True)
    score, level = outcome.risk(kept)
    counts = {f"{severity.value}_count": 0 for severity in Severity}
    for found in kept:
        counts[f"{found.severity.value}_count"] += 1
    finished = _finish(
        scan,
        status=Scan.Status.COMPLETED,
        started=started,
        ai_risk_score=score,
        risk_level=level.value,
        suppressed_count=len(outcome.findings) - len(kept),
        details=outcome.details,
        **counts,
    )
    if finished:
        project_scan_record(project=scan.project, scanned_at=scan.completed_at, risk_score=score)
        alerts_raise_for_scan(scan=scan)


def _finish(scan: Scan, *, status: str, started: float, **fields: object) -> bool:
    """Record the outcome once: only the delivery that moves the scan out of `running` counts it."""
    finished = (
        Scan.objects.in_organization(scan.project.organization_id)
        .filter(pk=scan.pk, status=Scan.Status.RUNNING)
        .update(status=status, completed_at=timezone.now(), duration_seconds=time.perf_counter() - started, **fields)
    )
    scan.refresh_from_db()
    return bool(finished)
