"""The engine, called for each scan type: findings, a score, and what the type reports beside them.

Only this module knows the engine's per-type entry points; the services store what it returns.
"""

from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from scans.engine import pii, prompts
from scans.engine.findings import Finding
from scans.engine.scanner import Scanner
from scans.engine.scoring import RiskLevel, level_of, risk_score
from scans.inputs import ScanInput
from scans.models import Scan


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


def _code(source: ScanInput) -> Outcome:
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
