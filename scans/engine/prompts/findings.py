"""A flagged prompt as findings: one per rule found, and one for the classifier when it alone spoke."""

from scans.engine.findings import Category, Confidence, Finding, Severity, fingerprint
from scans.engine.prompts.report import PromptReport

CLASSIFIER_RULE_ID = "prompt.classifier"
_REMEDIATION = (
    "Treat the text as data, not instructions: keep it out of the system turn, quote or fence it, and "
    "review the suggested prompt, which escapes delimiters, removes hidden characters and withholds "
    "injected instructions."
)


def _severity(overall: int) -> Severity:
    if overall >= 85:
        return Severity.HIGH
    return Severity.MEDIUM if overall >= 65 else Severity.LOW


def _confidence(weight: float) -> Confidence:
    if weight >= 0.7:
        return Confidence.HIGH
    return Confidence.MEDIUM if weight >= 0.4 else Confidence.LOW


def _line_and_column(text_before: str) -> tuple[int, int]:
    return text_before.count("\n") + 1, len(text_before) - (text_before.rfind("\n") + 1) + 1


def to_findings(report: PromptReport, path: str, *, text: str = "") -> list[Finding]:
    """Findings for a flagged report (none for one that is not). `text`, the scored prompt, lets
    findings carry a line and column; without it they point at the start of the file."""
    if not report.flagged:
        return []
    severity = _severity(report.overall)
    findings, seen = [], set()
    for item in report.evidence:
        if item.rule_id in seen:
            continue
        seen.add(item.rule_id)
        line, column = _line_and_column(text[: item.start]) if text else (1, 1)
        findings.append(
            Finding(
                rule_id=f"prompt.{item.rule_id}",
                category=Category.PROMPT,
                severity=severity,
                confidence=_confidence(item.weight),
                title=f"Prompt risk: {item.family.replace('_', ' ')}",
                description=f"{item.rule_id} matched (overall risk {report.overall}/100).",
                remediation=_REMEDIATION,
                path=path,
                line=line,
                column=column,
                snippet=item.excerpt,
                fingerprint=fingerprint(rule_id=item.rule_id, value=item.excerpt, path=path),
            )
        )
    if report.classifier_probability >= 0.5 and not findings:
        findings.append(
            Finding(
                rule_id=CLASSIFIER_RULE_ID,
                category=Category.PROMPT,
                severity=severity,
                confidence=Confidence.MEDIUM,
                title="Prompt risk: reads like a jailbreak or injection",
                description=(
                    f"The classifier gives {report.classifier_probability:.0%} (overall risk {report.overall}/100)."
                ),
                remediation=_REMEDIATION,
                path=path,
                line=1,
                column=1,
                snippet="",  # the prompt itself may hold anything, a secret included
                fingerprint=fingerprint(rule_id=CLASSIFIER_RULE_ID, value=str(report.overall), path=path),
            )
        )
    return findings
