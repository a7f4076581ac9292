"""SARIF 2.1.0, shaped for GitHub code scanning: rule metadata, levels, security severity, fingerprints.

Paths are relative to %SRCROOT% (the directory the scan ran in) where they can be, which is what a
code-scanning upload resolves against the checked-out repository.
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from scans.engine.findings import Finding, Severity
from scans.engine.report import Report

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_NAME = "bastionFingerprint/v1"
_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub reads `security-severity` as a CVSS-like score: 9.0+ critical, 7.0+ high, 4.0+ medium, else low.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}


def render_sarif(report: Report) -> str:
    findings = report.result.findings
    rules: dict[str, int] = {}
    descriptors = []
    for finding in findings:
        if finding.rule_id not in rules:
            rules[finding.rule_id] = len(descriptors)
            descriptors.append(_rule(finding))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "bastion-scan",
                "semanticVersion": report.tool_version,
                "rules": descriptors,
            }
        },
        "automationDetails": {"id": f"bastion-scan/{report.started_at.strftime('%Y-%m-%dT%H:%M:%SZ')}"},
        "invocations": [_invocation(report)],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, rules[finding.rule_id]) for finding in findings],
        "properties": {
            "ai_risk_score": report.risk.ai_risk_score,
            "risk_level": report.risk.risk_level.value,
            "suppressed_by_baseline": report.suppressed,
        },
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rule(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule_id,
        "name": _pascal(finding.rule_id),
        "shortDescription": {"text": finding.title},
        "fullDescription": {"text": finding.description},
        "help": {
            "text": finding.remediation,
            "markdown": f"**{finding.title}**\n\n{finding.description}\n\n**Remediation:** {finding.remediation}",
        },
        "defaultConfiguration": {"level": _LEVELS[finding.severity]},
        "properties": {
            "security-severity": _SECURITY_SEVERITY[finding.severity],
            "precision": finding.confidence.value,
            "tags": ["security", finding.category.value],
        },
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    location: dict[str, Any] = {"uri": _uri(finding.path)}
    if not Path(finding.path).is_absolute():
        location["uriBaseId"] = "%SRCROOT%"
    result = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": f"{finding.title}: {finding.snippet}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {
                        "startLine": finding.line,
                        "startColumn": finding.column,
                        "snippet": {"text": finding.snippet},
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_NAME: finding.fingerprint},
    }
    if finding.extra:
        result["properties"] = dict(finding.extra)
    return result


def _invocation(report: Report) -> dict[str, Any]:
    invocation: dict[str, Any] = {
        "executionSuccessful": not report.result.errors,
        "startTimeUtc": report.started_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "endTimeUtc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commandLine": " ".join(report.command_line),
        "toolExecutionNotifications": [
            {
                "level": "error",
                "message": {"text": f"{path}: {message}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(path)}}}],
            }
            for path, message in report.result.errors
        ],
    }
    return invocation


def _uri(path: str) -> str:
    if Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(path, safe="/")


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.replace("-", ".").replace("_", ".").split(".") if part)
