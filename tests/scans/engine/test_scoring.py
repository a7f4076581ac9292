"""The risk score follows its documented formula: monotonic, order-free, capped, critical at least 85."""

import itertools
import random

import pytest

from scans.engine.findings import Category, Confidence, Finding, Severity
from scans.engine.scoring import RiskLevel, risk_score


def finding(severity: Severity, confidence: Confidence = Confidence.HIGH, n: int = 0) -> Finding:
    return Finding(
        rule_id=f"test.rule-{n}", category=Category.SECRET, severity=severity, confidence=confidence,
        title="t", description="d", remediation="r", path="a.py", line=n + 1, column=1, snippet="s",
        fingerprint=f"fp{n}",
    )  # fmt: skip


ALL = [finding(s, c, i) for i, (s, c) in enumerate(itertools.product(Severity, Confidence))]


def test_no_findings_is_zero_and_none():
    assert risk_score([]).ai_risk_score == 0
    assert risk_score([]).risk_level is RiskLevel.NONE


def test_info_findings_alone_carry_no_risk():
    assert risk_score([finding(Severity.INFO)] * 5).ai_risk_score == 0


@pytest.mark.parametrize("confidence", list(Confidence))
def test_any_critical_finding_scores_at_least_85(confidence):
    score = risk_score([finding(Severity.LOW), finding(Severity.CRITICAL, confidence)])
    assert score.ai_risk_score >= 85
    assert score.risk_level is RiskLevel.CRITICAL


def test_high_findings_read_as_critical_only_when_there_are_many():
    assert risk_score([finding(Severity.HIGH)] * 3).risk_level is RiskLevel.HIGH
    assert risk_score([finding(Severity.HIGH)] * 4).risk_level is RiskLevel.CRITICAL


def test_each_severity_alone_reads_as_its_own_level():
    assert risk_score([finding(Severity.HIGH)]).risk_level is RiskLevel.HIGH
    assert risk_score([finding(Severity.MEDIUM)]).risk_level is RiskLevel.MEDIUM
    assert risk_score([finding(Severity.LOW)]).risk_level is RiskLevel.LOW


def test_adding_a_finding_never_lowers_the_score():
    rng = random.Random(7)
    for _ in range(200):
        chosen = rng.sample(ALL, rng.randint(0, 6))
        extra = rng.choice(ALL)
        assert risk_score([*chosen, extra]).ai_risk_score >= risk_score(chosen).ai_risk_score


def test_the_order_of_findings_does_not_matter():
    rng = random.Random(11)
    for _ in range(50):
        chosen = rng.sample(ALL, 6)
        shuffled = rng.sample(chosen, len(chosen))
        assert risk_score(chosen) == risk_score(shuffled)


def test_each_further_finding_adds_less_and_the_score_stops_at_100():
    scores = [risk_score([finding(Severity.MEDIUM, n=i) for i in range(k)]).ai_risk_score for k in range(8)]
    gains = [b - a for a, b in itertools.pairwise(scores)]
    assert all(later <= earlier for earlier, later in itertools.pairwise(gains))
    assert risk_score([finding(Severity.CRITICAL, n=i) for i in range(50)]).ai_risk_score == 100


def test_lower_confidence_lowers_the_score():
    sure = risk_score([finding(Severity.HIGH, Confidence.HIGH)]).ai_risk_score
    unsure = risk_score([finding(Severity.HIGH, Confidence.LOW)]).ai_risk_score
    assert unsure < sure
