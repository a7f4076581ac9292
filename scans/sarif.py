"""A stored scan as SARIF, through the engine's own renderer, so the API and `bastion-scan` agree."""

import json
from collections.abc import Iterable
from typing import Any

from scans.engine.cli import version
from scans.engine.findings import Category, Confidence, Severity
from scans.engine.findings import Finding as EngineFinding
from scans.engine.report import Report
from scans.engine.report.as_sarif import render_sarif
from scans.engine.scanner import ScanResult
from scans.models import Finding, Scan


def _engine_finding(row: Finding) -> EngineFinding:
    return EngineFinding(
        rule_id=row.rule_id,
        category=Category(row.category),
        severity=Severity(row.severity),
        confidence=Confidence(row.confidence),
        title=row.title,
        description=row.description,
        remediation=row.remediation,
        path=row.file_path,
        line=row.line,
        column=row.column,
        snippet=row.snippet,
        fingerprint=row.fingerprint,
    )


def scan_sarif(*, scan: Scan, findings: Iterable[Finding]) -> dict[str, Any]:
    result = ScanResult(findings=[_engine_finding(row) for row in findings], engine="bastion")
    report = Report(result=result, started_at=scan.started_at or scan.created_at, tool_version=version())
    document = json.loads(render_sarif(report))
    for run in document["runs"]:
        # The renderer anchors paths at its working directory, which on a server is the server's own
        # folder: left out, a code-scanning upload resolves them against the checked-out repository.
        run.pop("originalUriBaseIds", None)
    return document
