"""The engine, called for each scan type: findings, a score, and what the type reports beside them.

Only this module knows the engine's per-type entry points; the services store what it returns.
"""

import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings

from scans.archives import ArchiveLimits, Member, Unopened, archive_members
from scans.engine import pii, prompts
from scans.engine.files import Candidate, Skipped, iter_files, shown_path
from scans.engine.findings import Finding
from scans.engine.model_files import is_model_file, scan_model_file
from scans.engine.scanner import Scanner, ScanResult
from scans.engine.scoring import RiskLevel, level_of, risk_score
from scans.inputs import ScanInput
from scans.models import Scan
from scans.repositories import repository_clone


@dataclass(frozen=True)
class Outcome:
    findings: list[Finding]
    # Stored on the scan: scores and counts, nothing quoted from the input.
    details: dict[str, Any] = field(default_factory=dict)
    # Answered to the caller once and never stored, because each quotes the input.
    extras: dict[str, Any] = field(default_factory=dict)
    # A prompt's overall score stands for the scan; other types are scored from their findings.
    overall: int | None = None

    def risk(self, kept: list[Finding]) -> tuple[int, RiskLevel]:
        if self.overall is not None:
            return self.overall, level_of(self.overall)
        scored = risk_score(kept)
        return scored.ai_risk_score, scored.risk_level


@cache
def _scanner() -> Scanner:
    # Built once per process: the secret rules compile into one prefilter database.
    return Scanner()


def archive_limits() -> ArchiveLimits:
    return ArchiveLimits(
        max_bytes=settings.SCAN_ARCHIVE_MAX_BYTES,
        max_unpacked_bytes=settings.SCAN_ARCHIVE_MAX_UNPACKED_BYTES,
        max_files=settings.SCAN_ARCHIVE_MAX_FILES,
        max_depth=settings.SCAN_ARCHIVE_MAX_DEPTH,
    )


def _file_scan(scanner: Scanner, result: ScanResult, name: str, content: BinaryIO, size: int) -> None:
    """One file of many, by the engine's rules: a large model file is read in pieces, other large files skipped."""
    if size > scanner.max_file_bytes:
        head = content.read(512)
        content.seek(0)
        if size > scanner.max_model_bytes or not is_model_file(name, head):
            result.skipped.append((name, "larger than the size limit"))
            return
        result.record(name, size, scan_model_file(name, content))
        return
    result.record(name, size, scanner.analyze(name, content.read()))


def _files_outcome(result: ScanResult) -> Outcome:
    # Counts only: a skipped file's name could itself be sensitive.
    details = {"files_scanned": result.files_scanned, "files_skipped": len(result.skipped)}
    return Outcome(result.findings, details=details)


def _members_scan(members: Iterable[Member | Unopened]) -> Outcome:
    scanner, result = _scanner(), ScanResult()
    for member in members:
        if isinstance(member, Unopened) or member.content is None:
            result.skipped.append((member.name, getattr(member, "reason", "")))
        else:
            _file_scan(scanner, result, member.name, member.content, member.size)
    return _files_outcome(result)


def _tree_scan(root: Path) -> Outcome:
    """A cloned tree, walked by the engine (.gitignore honoured); findings name files relative to it."""
    scanner, result = _scanner(), ScanResult()
    for entry in iter_files([root], max_file_bytes=scanner.max_model_bytes):
        if isinstance(entry, Candidate):
            with open(entry.path, "rb") as content:
                _file_scan(scanner, result, os.path.relpath(entry.path, root), content, entry.size)
        elif isinstance(entry, Skipped) and entry.shown != f"{shown_path(root)}/.git":
            result.skipped.append((entry.shown, entry.reason))
    return _files_outcome(result)


def _code(source: ScanInput) -> Outcome:
    if source.kind == Scan.InputKind.ARCHIVE:
        return _members_scan(archive_members(source.archive, archive_limits()))
    if source.kind == Scan.InputKind.REPOSITORY:
        with tempfile.TemporaryDirectory(prefix="bastion-repo-") as work:
            tree = Path(work) / "tree"
            repository_clone(
                url=source.repo_url,
                token=source.token,
                ref=source.ref,
                into=tree,
                max_bytes=settings.SCAN_REPO_MAX_BYTES,
                timeout=settings.SCAN_REPO_CLONE_TIMEOUT,
                allow_private=settings.ALLOW_PRIVATE_REPO_URLS,
            )
            return _tree_scan(tree)
    return Outcome(_scanner().scan_file(source.path, source.text.encode("utf-8", "surrogatepass")))


def _prompt(source: ScanInput) -> Outcome:
    report = prompts.score_prompt(source.text)
    scores = {
        "jailbreak_risk": report.jailbreak_risk,
        "injection_risk": report.injection_risk,
        "data_exfiltration_risk": report.data_exfiltration_risk,
        "system_prompt_exposure": report.system_prompt_exposure,
        "overall": report.overall,
        "flagged": report.flagged,
    }
    return Outcome(
        prompts.to_findings(report, source.path, text=source.text),
        details=scores,
        extras={"suggested_prompt": report.suggested_prompt},
        overall=report.overall,
    )


def _pii(source: ScanInput) -> Outcome:
    report = pii.detect_pii(source.text, redact=source.redact)
    # Lower-case type names, as the API has always spelled them ("email").
    summary = []
    for finding in report.findings:
        shown = {name: value for name, value in asdict(finding).items() if name != "reason"}
        summary.append({**shown, "pii_type": finding.pii_type.lower()})
    extras = {"redacted_text": report.redacted_text} if source.redact else {}
    return Outcome(pii.to_findings(report, source.path), details={"pii": summary}, extras=extras)


RUNNERS = {Scan.ScanType.CODE: _code, Scan.ScanType.PROMPT: _prompt, Scan.ScanType.PII: _pii}


def scan_engine_run(*, scan_type: str, source: ScanInput) -> Outcome:
    return RUNNERS[scan_type](source)
