"""Every dangerous-code rule is data with its own examples, and those examples hold."""

from pathlib import Path

import pytest

from scans.engine.code import CODE_RULES, scan_code
from scans.engine.code.rules import RuleFileError, load_rules
from scans.engine.findings import Category

EXAMPLES = [(rule.id, rule.example_path, snippet) for rule in CODE_RULES.values() for snippet in rule.examples]
NEGATIVES = [(rule.id, rule.example_path, s) for rule in CODE_RULES.values() for s in rule.negative_examples]

VALID_RULE = """
[[rules]]
id = "python.demo"
name = "Demo"
description = "A demo rule."
severity = "high"
confidence = "high"
remediation = "Do not."
cwe = "CWE-1"
examples = ["x"]
negative_examples = ["y"]
"""


@pytest.mark.parametrize(("rule_id", "path", "snippet"), EXAMPLES)
def test_each_example_raises_its_rule(rule_id, path, snippet):
    findings = scan_code(path, snippet)
    assert rule_id in {f.rule_id for f in findings}, snippet


@pytest.mark.parametrize(("rule_id", "path", "snippet"), NEGATIVES)
def test_each_negative_example_stays_quiet_for_its_rule(rule_id, path, snippet):
    findings = scan_code(path, snippet)
    assert rule_id not in {f.rule_id for f in findings}, snippet


def test_the_rule_set_covers_python_llm_and_javascript():
    prefixes = {rule_id.partition(".")[0] for rule_id in CODE_RULES}
    assert prefixes == {"python", "llm", "js"}
    assert len(CODE_RULES) >= 25


def test_llm_rules_name_their_owasp_llm_risk():
    for rule in CODE_RULES.values():
        if rule.id.startswith("llm."):
            assert (rule.owasp_llm or "").startswith("LLM"), rule.id


def test_a_finding_carries_its_rules_text():
    [finding] = scan_code("app.py", "import pickle\npickle.loads(blob)\n")
    rule = CODE_RULES["python.pickle-load"]
    assert finding.category is Category.CODE
    assert (finding.severity, finding.confidence) == (rule.severity, rule.confidence)
    assert (finding.title, finding.description, finding.remediation) == (rule.name, rule.description, rule.remediation)
    assert finding.extra["cwe"] == "CWE-502"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_rules_file_loads(tmp_path):
    rules = load_rules(_write(tmp_path, VALID_RULE))
    assert list(rules) == ["python.demo"]


def test_a_rule_without_examples_does_not_load(tmp_path):
    path = _write(tmp_path, VALID_RULE.replace('examples = ["x"]\n', ""))
    with pytest.raises(RuleFileError, match=r"rule python\.demo: needs at least one non-empty entry in examples"):
        load_rules(path)


def test_a_rule_with_empty_negative_examples_does_not_load(tmp_path):
    path = _write(tmp_path, VALID_RULE.replace('negative_examples = ["y"]', "negative_examples = []"))
    with pytest.raises(RuleFileError, match="negative_examples"):
        load_rules(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('severity = "high"', 'severity = "severe"'), "severe"),
        (('cwe = "CWE-1"', 'cwe = "502"'), "cwe must look like"),
        (('id = "python.demo"', 'id = "Demo Rule"'), "kebab case"),
        (('remediation = "Do not."', ""), "missing remediation"),
    ],
)
def test_a_malformed_rule_is_refused_with_its_reason(tmp_path, change, message):
    with pytest.raises(RuleFileError, match=message):
        load_rules(_write(tmp_path, VALID_RULE.replace(*change)))


def test_a_rule_defined_twice_is_refused(tmp_path):
    with pytest.raises(RuleFileError, match="defined twice"):
        load_rules(_write(tmp_path, VALID_RULE + VALID_RULE))
