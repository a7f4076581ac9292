"""The report a person reads on a terminal: findings grouped by file, worst first, then one summary line."""

from collections import Counter
from itertools import groupby

from scans.engine.findings import Finding, Severity
from scans.engine.report import Report

_COLOURS = {
    Severity.CRITICAL: "\033[1;31m",
    Severity.HIGH: "\033[31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[2m",
}
_RESET = "\033[0m"
_BOLD = "\033[1m"


def render_text(report: Report, *, colour: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    result = report.result
    lines: list[str] = []
    for path, findings in groupby(result.findings, key=lambda finding: finding.path):
        lines.append(paint(path, _BOLD))
        for finding in findings:
            lines.extend(_finding_lines(finding, paint))
        lines.append("")
    for path, message in result.errors:
        lines.append(f"error: {path}: {message}")
    if result.skipped:
        reasons = Counter(reason for _, reason in result.skipped)
        shown = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
        lines.append(f"skipped: {shown} (--format json lists them)")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def _finding_lines(finding: Finding, paint) -> list[str]:  # noqa: ANN001 -- a local closure
    severity = paint(f"{finding.severity.value.upper():8}", _COLOURS[finding.severity])
    lines = [f"  {finding.line}:{finding.column}  {severity} {finding.rule_id}  {finding.title}"]
    if "commit" in finding.extra:
        extra = finding.extra
        lines.append(f"      commit {extra['commit'][:12]} by {extra['author']} on {extra['date']}")
    lines.append(f"      {finding.snippet}")
    lines.append(f"      fix: {finding.remediation}")
    return lines


def _summary(report: Report) -> str:
    result = report.result
    counts = Counter(finding.severity for finding in result.findings)
    by_severity = ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s])
    risk = report.risk
    parts = [
        f"{len(result.findings)} finding{'s' if len(result.findings) != 1 else ''}"
        + (f" ({by_severity})" if by_severity else ""),
        f"risk {risk.ai_risk_score}/100 {risk.risk_level.value}",
        f"{result.files_scanned} files, {result.bytes_scanned / 1e6:.1f} MB in {result.duration_s:.2f} s",
    ]
    if report.suppressed:
        parts.append(f"{report.suppressed} known in the baseline")
    return "; ".join(parts)
