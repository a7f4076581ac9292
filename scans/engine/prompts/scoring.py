"""Score a prompt: rules and the classifier decide, an optional judge refines.

A score is 0..100. Each rule carries a weight in (0, 1]; the rules found in one risk family combine
as 1 - prod(1 - weight), so two weak signals outweigh one. `overall` combines the same way every
rule found, whatever its family, with the classifier's probability as one more signal; a prompt is
`flagged` when overall reaches FLAG_THRESHOLD.

A judge is any callable taking the prompt and returning a dict with some of the four risk names
(and `overall`) mapped to 0..100, for instance a call to a larger model. A judge's score replaces
the local one, except that it can never bring a score below half of what the rules and classifier
found: a judge reads the prompt too, and can be talked out of a finding by the very text it judges.
"""

import math
from collections.abc import Callable, Iterable

from scans.engine.prompts.classifier import Classifier, default_classifier
from scans.engine.prompts.matching import Hit, find_hits
from scans.engine.prompts.normalise import normalise
from scans.engine.prompts.report import Evidence, PromptReport
from scans.engine.prompts.rules import RuleSet, default_rules
from scans.engine.prompts.suggest import suggested_prompt

FLAG_THRESHOLD = 50
RISKS = ("jailbreak_risk", "injection_risk", "data_exfiltration_risk", "system_prompt_exposure")
RISK_OF_FAMILY = {
    "jailbreak": "jailbreak_risk",
    "injection": "injection_risk",
    "delimiter": "injection_risk",
    "indirect": "injection_risk",
    "encoding": "injection_risk",
    "exfiltration": "data_exfiltration_risk",
    "secrets": "data_exfiltration_risk",
    "system_prompt": "system_prompt_exposure",
}
Judge = Callable[[str], dict]


def _combined(weights: Iterable[float]) -> int:
    return round(100 * (1 - math.prod(1 - weight for weight in weights)))


def _risks(hits: list[Hit]) -> tuple[dict[str, int], list[float]]:
    strongest: dict[str, float] = {}
    for hit in hits:
        strongest[hit.rule.id] = max(strongest.get(hit.rule.id, 0.0), hit.rule.weight)
    family = {hit.rule.id: RISK_OF_FAMILY[hit.rule.family] for hit in hits}
    risks = {risk: _combined(w for rule, w in strongest.items() if family[rule] == risk) for risk in RISKS}
    return risks, list(strongest.values())


def _judged(scores: dict[str, int], verdict: dict) -> dict[str, int]:
    refined = dict(scores)
    for name in (*RISKS, "overall"):
        if name not in verdict:
            continue
        value = verdict[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ValueError(f"judge returned {name}={value!r}; expected a number from 0 to 100")
        refined[name] = max(round(value), scores[name] // 2)
    return refined


def score_prompt(
    text: str,
    *,
    judge: Judge | None = None,
    rules: RuleSet | None = None,
    classifier: Classifier | None = None,
) -> PromptReport:
    """Score one prompt. `rules` and `classifier` default to the shipped ones; an organisation's
    own rules (same TOML format, see rules.parse_rules) or a retrained model can be passed instead."""
    views = normalise(text)
    hits = find_hits(views, rules or default_rules())
    probability = (classifier or default_classifier()).probability(views.plain)
    scores, weights = _risks(hits)
    scores["overall"] = _combined([*weights, probability])
    if judge is not None:
        scores = _judged(scores, judge(text))
    evidence = [
        Evidence(
            family=hit.rule.family,
            rule_id=hit.rule.id,
            start=hit.start,
            end=hit.end,
            excerpt=hit.excerpt,
            weight=hit.rule.weight,
        )
        for hit in sorted(hits, key=lambda hit: hit.start)
    ]
    return PromptReport(
        **scores,
        flagged=scores["overall"] >= FLAG_THRESHOLD,
        classifier_probability=round(probability, 4),
        suggested_prompt=suggested_prompt(text, hits),
        evidence=evidence,
        judged=judge is not None,
    )
