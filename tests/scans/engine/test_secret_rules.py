"""Every secret rule proves itself on its own examples, and a rule that cannot is refused at load."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from scans.engine.secrets import BUILTIN_RULES, RuleError, SecretScanner, load_rules
from scans.engine.secrets.matcher import hyperscan
from tests.scans import corpus

RULES = load_rules()
ENGINES = ["re"] + (["hyperscan"] if hyperscan is not None else [])


@pytest.fixture(scope="module", params=ENGINES)
def scanner(request):
    return SecretScanner(RULES, engine=request.param)


def test_every_builtin_family_loads_with_unique_ids():
    assert RULES, "no built-in rules loaded"
    assert len({rule.id for rule in RULES}) == len(RULES)
    assert {rule.source for rule in RULES} == {path.name for path in BUILTIN_RULES.glob("*.toml")}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_finds_its_examples_and_none_of_its_negatives(rule, scanner):
    for example in rule.examples:
        assert rule.id in {f.rule_id for f in scanner.scan("example.txt", example)}, example[:16]
    for negative in rule.negative_examples:
        assert rule.id not in {f.rule_id for f in scanner.scan("negative.txt", negative)}, negative[:16]


@pytest.mark.parametrize(
    "line",
    [
        "STRIPE_SECRET_KEY=sk_live_abcdef0123456789abcdef01",
        "MAILGUN_API_KEY=key-0123456789abcdef0123456789abcdef",
        'token: "ghp_abcdef0123456789abcdef0123456789abcd"',
        "SLACK_BOT_TOKEN=xoxb-123456789012-1234567890123-AAAAAAAAAAAAAAAAAAAAAAAA",
        'jwt.encode(payload, "REPLACE_ME")',
        'jwt.encode(payload, "{jwt_secret}")',
        "DATABASE_URL=postgres://app:__DB_PASSWORD__@db:5432/app",
        "jdbc.url=jdbc:postgresql://db:5432/app?user=app&password=@db.password@",
        'twilio_auth_token: "{twilio_auth_token}"',
        "JWT_SECRET=insert_your_jwt_secret",
    ],
)
def test_typed_placeholders_after_a_real_prefix_are_reported_by_no_rule(line, scanner):
    assert scanner.scan("README.md", line) == []


def test_both_engines_find_exactly_the_same_things_on_the_corpus():
    fast, portable = SecretScanner(RULES, engine="auto"), SecretScanner(RULES, engine="re")
    for item in corpus.load("secrets"):
        assert fast.scan("corpus.txt", item["line"]) == portable.scan("corpus.txt", item["line"])


def test_no_finding_carries_a_whole_secret(scanner):
    for rule in RULES:
        for example in rule.examples:
            for finding in scanner.scan("example.txt", example):
                secret = next(m.group(1) for m in rule.regex.finditer(example))
                assert secret not in finding.snippet
                assert secret not in repr(finding)


def test_the_engine_imports_without_django():
    code = (
        "import sys; import scans.engine.secrets as s; s.SecretScanner(); "
        "assert not any(name == 'django' or name.startswith('django.') for name in sys.modules), 'django imported'"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


RULE = """
[[rules]]
id = "acme.token"
name = "Acme token"
description = "An Acme API token."
pattern = '''\\b(acme_[a-z0-9]{20})\\b'''
keywords = ["acme_"]
severity = "high"
confidence = "high"
remediation = "Rotate it."
examples = ["ACME=acme_k3j4h5g6f7d8s9a0p1o2"]
negative_examples = ["ACME=acme_short"]
"""


def write(tmp_path, text):
    path = tmp_path / "custom.toml"
    path.write_text(text)
    return path


def test_a_custom_rules_file_loads_and_scans(tmp_path):
    rules = load_rules([write(tmp_path, RULE)])
    findings = SecretScanner(rules).scan("app.py", 'key = "acme_k3j4h5g6f7d8s9a0p1o2"\n')
    assert [(f.rule_id, f.line, f.column) for f in findings] == [("acme.token", 1, 8)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('examples = ["ACME=acme_k3j4h5g6f7d8s9a0p1o2"]', "examples = []"), "examples must not be empty"),
        (('examples = ["ACME=acme_k3j4h5g6f7d8s9a0p1o2"]\n', ""), "lacks examples"),
        (("acme_[a-z0-9]{20})", "acme_[a-z0-9]{20}"), "not a valid regular expression"),
        (("(acme_[a-z0-9]{20})", "acme_[a-z0-9]{20}"), "exactly one capture group"),
        (("(acme_[a-z0-9]{20})", "((?:a+)+)"), "nests a repeat inside a repeat"),
        (("(acme_[a-z0-9]{20})", "((?:[a-z]+_)*x)"), "nests a repeat inside a repeat"),
        (("ACME=acme_k3j4h5g6f7d8s9a0p1o2", "ACME=acme_nope"), "an example does not match"),
        (("ACME=acme_short", "acme_q8wn5v7c1xz4r6t3y0m2"), "a negative example matches"),
        (('keywords = ["acme_"]', 'keywords = ["zzz"]'), "holds none of the keywords"),
        (('severity = "high"', 'severity = "dire"'), "severity must be one of"),
        (('confidence = "high"', 'confidence = "high"\nvalidator = "psychic"'), "unknown validator"),
        (('confidence = "high"', 'confidence = "high"\nentropy = "lots"'), "entropy must be"),
        (('confidence = "high"', 'confidence = "high"\ncolour = "red"'), "unknown fields: colour"),
        (('id = "acme.token"', 'id = "Acme Token!"'), "the id must be"),
        (("[[rules]]", "[[rules]\n"), "is not valid TOML"),
    ],
)
def test_an_unsound_rule_is_refused_with_a_clear_message(tmp_path, change, message):
    old, new = change
    assert old in RULE
    with pytest.raises(RuleError, match=re.escape(message)):
        load_rules([write(tmp_path, RULE.replace(old, new, 1))])


def test_duplicate_ids_across_files_are_refused(tmp_path):
    first = write(tmp_path, RULE)
    second = tmp_path / "again.toml"
    second.write_text(RULE)
    with pytest.raises(RuleError, match="already defined in custom.toml"):
        load_rules([first, second])


def test_an_unreadable_or_empty_rules_file_is_refused(tmp_path):
    with pytest.raises(RuleError, match="cannot be read"):
        load_rules([tmp_path / "missing.toml"])
    with pytest.raises(RuleError, match="holds no"):
        load_rules([write(tmp_path, "title = 'no rules'\n")])


def test_a_refusal_never_echoes_a_whole_example(tmp_path):
    secret = "acme_zz9yy8xx7ww6vv5uu4tt"
    text = RULE.replace("ACME=acme_short", secret)
    with pytest.raises(RuleError) as refused:
        load_rules([write(tmp_path, text)])
    assert secret not in str(refused.value)
