"""The JSON report: one document with stable keys (docs/SCANNING.md describes its shape)."""

import json
from collections import Counter
from typing import Any

from scans.engine.findings import Finding, Severity
from scans.engine.report import Report

JSON_REPORT_VERSION = 1


def render_json(report: Report) -> str:
    result = report.result
    counts = Counter(finding.severity for finding in result.findings)
    risk = report.risk
    document = {
        "version": JSON_REPORT_VERSION,
        "tool": {"name": "bastion-scan", "version": report.tool_version},
        "started_at": report.started_at.isoformat(timespec="seconds"),
        "engine": result.engine,
        "summary": {
            "findings": len(result.findings),
            "by_severity": {severity.value: counts[severity] for severity in Severity},
            "ai_risk_score": risk.ai_risk_score,
            "risk_level": risk.risk_level.value,
            "suppressed_by_baseline": report.suppressed,
            "files_scanned": result.files_scanned,
            "bytes_scanned": result.bytes_scanned,
            "duration_s": round(result.duration_s, 3),
        },
        "findings": [finding_document(finding) for finding in result.findings],
        "skipped": [{"path": path, "reason": reason} for path, reason in result.skipped],
        "errors": [{"path": path, "message": message} for path, message in result.errors],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def finding_document(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "category": finding.category.value,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "title": finding.title,
        "description": finding.description,
        "remediation": finding.remediation,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "snippet": finding.snippet,
        "fingerprint": finding.fingerprint,
        "extra": finding.extra,
    }
