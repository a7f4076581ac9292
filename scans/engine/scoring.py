"""One number for how risky a scan's findings are: `ai_risk_score` 0-100 and its `risk_level`.

Each finding is treated as independent evidence that something is exploitable, with a weight
for its severity scaled by how sure the analyzer is:

    r = SEVERITY_WEIGHT[severity] * CONFIDENCE_FACTOR[confidence]
    ai_risk_score = ceil(100 * (1 - prod(1 - r)))       # a "noisy OR" of the findings, at most 100
    ai_risk_score = max(ai_risk_score, 85) if any finding is critical

So more findings never lower the score, order does not matter, each further finding adds less
than the one before, and the score cannot pass 100. The level reads the score against fixed bands.
docs/SCANNING.md gives the same formula with examples.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from scans.engine.findings import Confidence, Finding, Severity

SEVERITY_WEIGHT = {
    Severity.CRITICAL: 0.70,
    Severity.HIGH: 0.45,
    Severity.MEDIUM: 0.18,
    Severity.LOW: 0.06,
    Severity.INFO: 0.0,
}
CONFIDENCE_FACTOR = {Confidence.HIGH: 1.0, Confidence.MEDIUM: 0.8, Confidence.LOW: 0.6}
CRITICAL_FLOOR = 85


class RiskLevel(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


# The lowest score of each level, checked from the top.
LEVEL_BANDS = ((85, RiskLevel.CRITICAL), (45, RiskLevel.HIGH), (15, RiskLevel.MEDIUM), (1, RiskLevel.LOW))


@dataclass(frozen=True, slots=True)
class RiskScore:
    ai_risk_score: int
    risk_level: RiskLevel


def risk_score(findings: Iterable[Finding]) -> RiskScore:
    untouched = 1.0  # the chance that none of the findings matters
    critical = False
    for finding in findings:
        untouched *= 1 - SEVERITY_WEIGHT[finding.severity] * CONFIDENCE_FACTOR[finding.confidence]
        critical = critical or finding.severity is Severity.CRITICAL
    # Rounding up keeps a lone low finding from reading as "no risk at all".
    score = min(100, math.ceil(round(100 * (1 - untouched), 6)))
    if critical:
        score = max(score, CRITICAL_FLOOR)
    return RiskScore(score, level_of(score))


def level_of(score: int) -> RiskLevel:
    for lowest, level in LEVEL_BANDS:
        if score >= lowest:
            return level
    return RiskLevel.NONE
