"""Which results of a completed scan raise alerts. Pure: it reads the stored scan and findings and
returns what to raise; the service decides about triage, dedupe and delivery.

- code scans: every critical or high finding (secrets, dangerous code, malicious model files);
- prompt scans: a prompt whose overall risk is in the high band or above, one alert per finding;
- PII scans: special-category data (GDPR Art. 9), whatever its count.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from scans.engine.findings import Severity
from scans.engine.pii.types import PII_TYPES
from scans.engine.scoring import RiskLevel, level_of
from scans.models import Finding, Scan

ALERTING_SEVERITIES = frozenset({Severity.CRITICAL, Severity.HIGH})
# The rule id a PII finding carries (`pii-<type>`), for each special-category type.
SPECIAL_CATEGORY_RULES = frozenset(
    f"pii-{name.lower().replace('_', '-')}"
    for name, pii_type in PII_TYPES.items()
    if pii_type.classification == "special_category"
)
_KIND_WORDS = {
    "secret": "Secret",
    "code": "Dangerous code",
    "model_file": "Malicious model file",
    "prompt": "High-risk prompt",
    "pii": "Special-category personal data",
}


@dataclass(frozen=True)
class AlertCandidate:
    fingerprint: str
    kind: str
    severity: str
    title: str
    message: str


def _candidate(finding: Finding, *, severity: str) -> AlertCandidate:
    # Rule, title and place only: the snippet is masked, but an alert that leaves by email quotes nothing.
    where = f"{finding.file_path}:{finding.line}"
    return AlertCandidate(
        fingerprint=finding.fingerprint,
        kind=finding.category,
        severity=severity,
        title=f"{_KIND_WORDS.get(finding.category, 'Finding')}: {finding.title}"[:200],
        message=f"{finding.title} ({finding.rule_id}) at {where}. {finding.remediation}"[:1000],
    )


def _prompt_severity(scan: Scan) -> str | None:
    overall = scan.details.get("overall")
    if not isinstance(overall, int):
        return None
    level = level_of(overall)
    return level.value if level in (RiskLevel.HIGH, RiskLevel.CRITICAL) else None


def alert_candidates(*, scan: Scan, findings: Iterable[Finding]) -> list[AlertCandidate]:
    """What this completed scan should alert about, once per fingerprint."""
    if scan.status != Scan.Status.COMPLETED:
        return []
    if scan.scan_type == Scan.ScanType.PROMPT:
        severity = _prompt_severity(scan)
        chosen = [(finding, severity) for finding in findings] if severity else []
    elif scan.scan_type == Scan.ScanType.PII:
        chosen = [(finding, finding.severity) for finding in findings if finding.rule_id in SPECIAL_CATEGORY_RULES]
    else:
        chosen = [(finding, finding.severity) for finding in findings if finding.severity in ALERTING_SEVERITIES]
    unique: dict[str, AlertCandidate] = {}
    for finding, severity in chosen:
        # The same secret on several lines is one alert.
        unique.setdefault(finding.fingerprint, _candidate(finding, severity=severity))
    return list(unique.values())
