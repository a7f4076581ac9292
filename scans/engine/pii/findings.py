"""PII entities as the engine's `Finding`s, for scans of files and repositories."""

import re
from bisect import bisect_right

from ..findings import Category, Confidence, Finding, Severity, fingerprint, masked_line
from .report import PiiEntity, PiiReport
from .types import PII_TYPES

_SEVERITY = {"high": Severity.HIGH, "medium": Severity.MEDIUM, "low": Severity.LOW}
_REMEDIATION = {
    "personal": "Remove the personal data or replace it with synthetic data; keep real data out of code and prompts.",
    "sensitive": "Remove the identifier and treat it as exposed: it may need to be reported and replaced.",
    "special_category": "Remove it: processing special-category data needs an Art. 9(2) GDPR basis.",
}


def _words(name: str) -> str:
    return name.replace("_", " ").lower()


def _confidence(score: float) -> Confidence:
    if score >= 0.85:
        return Confidence.HIGH
    return Confidence.MEDIUM if score >= 0.65 else Confidence.LOW


def _masked_line(text: str, line_start: int, line_end: int, entities: list[PiiEntity]) -> str:
    # Every entity on the line is masked, not only the reported one: a snippet for an e-mail must
    # not show the phone number beside it.
    pieces, cursor = [], line_start
    for entity in entities:
        if entity.start < line_end and entity.end > line_start:
            pieces += [text[cursor : max(cursor, entity.start)], entity.value_masked]
            cursor = max(cursor, entity.end)
    pieces.append(text[cursor:line_end] if cursor < line_end else "")
    return masked_line("".join(pieces), "")


def to_findings(report: PiiReport, path: str) -> list[Finding]:
    text = report.text
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    findings = []
    for entity in report.entities:
        info = PII_TYPES[entity.pii_type]
        line = bisect_right(line_starts, entity.start)
        line_start = line_starts[line - 1]
        line_end = line_starts[line] - 1 if line < len(line_starts) else len(text)
        rule_id = f"pii-{entity.pii_type.lower().replace('_', '-')}"
        findings.append(
            Finding(
                rule_id=rule_id,
                category=Category.PII,
                severity=_SEVERITY[info.gdpr_risk],
                confidence=_confidence(entity.score),
                title=f"{_words(entity.pii_type).capitalize()} ({_words(info.classification)} data)",
                description=f"{info.reason}. GDPR risk {info.gdpr_risk}, AI Act risk {info.ai_act_risk}.",
                remediation=_REMEDIATION[info.classification],
                path=path,
                line=line,
                column=entity.start - line_start + 1,
                snippet=_masked_line(text, line_start, line_end, report.entities),
                fingerprint=fingerprint(rule_id=rule_id, value=text[entity.start : entity.end], path=path),
            )
        )
    return findings
