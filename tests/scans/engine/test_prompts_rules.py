"""The prompt rules file: every rule fires on its examples, stays quiet on its negatives, and the
loader refuses rules it could not test."""

import re

import pytest

from scans.engine.prompts import score_prompt
from scans.engine.prompts.rules import RuleError, default_rules, parse_rules

RULES = default_rules().rules


def _found(text: str) -> set[str]:
    return {item.rule_id for item in score_prompt(text).evidence}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_fires_on_each_of_its_examples(rule):
    missed = [example for example in rule.examples if rule.id not in _found(example)]
    assert not missed


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_stays_quiet_on_each_of_its_negative_examples(rule):
    raised = [example for example in rule.negative_examples if rule.id in _found(example)]
    assert not raised


def test_every_family_has_rules():
    assert {rule.family for rule in RULES} == {
        "jailbreak",
        "injection",
        "delimiter",
        "indirect",
        "encoding",
        "system_prompt",
        "secrets",
        "exfiltration",
    }


_VALID = """
[[rules]]
id = "injection.test"
family = "injection"
weight = 0.5
description = "test"
pattern = 'obey me'
examples = ["obey me now"]
negative_examples = ["obey the law"]
"""


def test_a_valid_rule_file_loads_and_matches():
    rules = parse_rules(_VALID)
    assert [rule.id for rule in rules.rules] == ["injection.test"]
    assert rules.normalised.search("please obey me")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('examples = ["obey me now"]', "examples = []"), "needs both examples"),
        (('negative_examples = ["obey the law"]\n', ""), "needs both examples"),
        (('family = "injection"', 'family = "spam"'), "unknown family"),
        (("weight = 0.5", "weight = 1.5"), "weight must be"),
        (("pattern = 'obey me'", "pattern = '(obey) me'"), "use (?:...) groups"),
        (("pattern = 'obey me'", "pattern = 'obey ('"), "does not compile"),
        (('description = "test"\n', ""), "missing 'description'"),
    ],
)
def test_loading_refuses_a_rule_it_cannot_trust(change, message):
    with pytest.raises(RuleError, match=re.escape(message)):
        parse_rules(_VALID.replace(*change))


def test_loading_refuses_a_rule_defined_twice():
    with pytest.raises(RuleError, match="defined twice"):
        parse_rules(_VALID + _VALID)


def test_custom_rules_replace_the_shipped_ones_when_passed():
    report = score_prompt("obey me now", rules=parse_rules(_VALID))
    assert [item.rule_id for item in report.evidence] == ["injection.test"]
    assert report.injection_risk == 50
