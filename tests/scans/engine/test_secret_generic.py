"""The generic detector reports literal secrets assigned to secret-like names, and none of the usual bait."""

from pathlib import Path

import pytest

from scans.engine.findings import Confidence
from scans.engine.secrets import SecretScanner, generic
from scans.engine.secrets.generic import find_generic, name_kind

BAIT = Path(__file__).resolve().parents[2] / "data" / "generic-bait"
SECRET, PASSWORD = "generic.secret-assignment", "generic.password-assignment"

# Fake values in the shapes people paste: each line must give exactly one generic finding.
TRUE_ASSIGNMENTS = [
    ("app/settings.py", 'ACME_API_KEY = "OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIA"', SECRET),
    ("app/client.py", 'client = Acme(api_key="oCLrZ3aWZkSBvrjn9Wvgfygw2wMqZcUDIh7yfJs1")', SECRET),
    ("app/client.py", 'headers = {"X-Api-Key": "ON43xKmTecQoXsf2o3gyrDO1"}', SECRET),
    ("app/db.py", 'connect(host="db", password="Tr0ub4dor&3-horse")', PASSWORD),
    ("web/src/api.ts", "const clientSecret = 'xkxwnQrS7RPeMOkIUpkDyr7OSJoR';", SECRET),
    ("web/src/api.js", "module.exports = { authToken: 'u1XXdo0cZuzren68K4TunPFz46PDjqipVJIq' }", SECRET),
    ("cmd/main.go", 'signingKey := "VLB5LzxoiGFfWd3hjOkY2x"', SECRET),
    ("src/Main.java", 'private static final String DB_PASSWORD = "Winter-Lake-42";', PASSWORD),
    ("lib/acme.rb", "config.access_token = 'RBMeyyMDHqJ38aRUhR4IWrXPvhsBkDa9U4UqGWlG6g3O'", SECRET),
    ("src/Api.php", "$secret = '964b50af03b971722f244f58d669cbee3772a077';", SECRET),
    ("src/config.php", "'password' => 'Summer#2024!db',", PASSWORD),
    ("config/app.yaml", "  client_secret: OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIA", SECRET),
    ("config/app.json", '  "apiToken": "ON43xKmTecQoXsf2o3gyrDO1",', SECRET),
    ("config/app.ini", "db_pass = Kx9#mQ2!vLp7", PASSWORD),
    ("config/app.properties", "acme.client.secret=xkxwnQrS7RPeMOkIUpkDyr7OSJoR", SECRET),
    ("pyproject.toml", 'api_secret = "021721a278f64f7fd633dbdde131ca3766e4d58e72e310275dff6c15c0c8e9df"', SECRET),
    (".env", "ACME_PRIVATE_KEY=u1XXdo0cZuzren68K4TunPFz46PDjqipVJIq", SECRET),
    ("deploy/main.tf", '  password = "Vn8#qLz2!Rw5"', PASSWORD),
]


@pytest.fixture(scope="module")
def scanner():
    return SecretScanner(engine="re")


def generic_findings(scanner, path, text):
    return [f for f in scanner.scan(path, text) if f.rule_id.startswith("generic.")]


@pytest.mark.parametrize(("path", "line", "rule_id"), TRUE_ASSIGNMENTS, ids=lambda v: str(v)[:30])
def test_a_literal_secret_assignment_is_reported_once_and_masked(scanner, path, line, rule_id):
    findings = generic_findings(scanner, path, line + "\n")
    assert [f.rule_id for f in findings] == [rule_id]
    finding = findings[0]
    assert finding.confidence == Confidence.MEDIUM
    value = line[finding.column - 1 :].split('"')[0].split("'")[0].split()[0]
    assert len(value) >= 8
    assert value not in finding.snippet
    assert value not in repr(finding)


def bait_files():
    return sorted(p for p in BAIT.rglob("*") if p.is_file() and p.name != "README.md")


def test_the_bait_holds_every_kind_the_readme_lists():
    assert len(bait_files()) >= 20


@pytest.mark.parametrize("file", bait_files(), ids=lambda p: str(p.relative_to(BAIT)))
def test_nothing_in_the_false_positive_bait_is_reported(scanner, file):
    relative = str(file.relative_to(BAIT))
    findings = scanner.scan(relative, file.read_text(encoding="utf-8"))
    if relative.startswith("tests/"):
        # A test fixture's credentials are reported, at low confidence, so a policy can skip them.
        assert findings
        assert {f.confidence for f in findings} == {Confidence.LOW}
    else:
        assert [(f.rule_id, f.line) for f in findings] == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("api_key", "secret"),
        ("apiKey", "secret"),
        ("APIKey", "secret"),
        ("x-api-key", "secret"),
        ("clientSecret", "secret"),
        ("AUTH0_CLIENT_SECRET", "secret"),
        ("private_key", "secret"),
        ("license_key", "secret"),
        ("DB_PASS", "password"),
        ("passwd", "password"),
        ("adminPassword", "password"),
        ("max_tokens", None),
        ("token_count", None),
        ("tokenizer", None),
        ("keyboard", None),
        ("monkey", None),
        ("keyword", None),
        ("primary_key", None),
        ("public_key", None),
        ("api_key_id", None),
        ("secret_name", None),
        ("password_hint", None),
        ("csrf_token", None),
        ("next_page_token", None),
        ("credentialsId", None),
    ],
)
def test_secret_names_are_judged_by_whole_parts(name, kind):
    assert name_kind(name) == kind


@pytest.mark.parametrize(
    "line",
    [
        'password = "password"',
        'password = "secret"',
        "password: true",
        "password: none",
        'password = "null"',
        'password = ""',
        'password = "Ab1!x"',
        'password = "aaaaaaaaaaaa"',
        'token = "Bearer"',
        'api_key = "12345678901234567890"',
        'api_key = "1.24.3-beta.2"',
        'client_secret = "8c4f1a5e-2b7d-4c9e-a3f6-0d1e2f3a4b5c"',
        'secret = "this is a sentence about a secret"',
        'token = "https://auth.acme.io/oauth/token"',
        'api_key = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"',
    ],
)
def test_words_numbers_and_short_or_shaped_values_are_not_reported(scanner, line):
    assert generic_findings(scanner, "config/app.env", line) == []


def test_a_hex_value_is_a_digest_in_a_hash_context_and_a_secret_outside_one(scanner):
    value = "021721a278f64f7fd633dbdde131ca3766e4d58e72e310275dff6c15c0c8e9df"
    assert generic_findings(scanner, "a.yaml", f"token_sha256: {value}") == []
    assert generic_findings(scanner, "a.yaml", f"auth_token_checksum_source: {value}") == []
    assert [f.rule_id for f in generic_findings(scanner, "a.yaml", f"auth_token: {value}")] == [SECRET]


def test_a_bare_value_in_code_is_a_variable_but_in_config_a_literal(scanner):
    line = "api_key = OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIA"
    assert generic_findings(scanner, "app/settings.py", line) == []
    assert [f.rule_id for f in generic_findings(scanner, "config/app.ini", line)] == [SECRET]


@pytest.mark.parametrize("path", ["tests/test_api.py", "pkg/api_test.go", "src/fixtures/keys.yaml", "web/a.spec.ts"])
def test_values_in_test_fixtures_are_reported_with_low_confidence(scanner, path):
    findings = generic_findings(scanner, path, 'api_key = "OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIA"')
    assert [(f.rule_id, f.confidence) for f in findings] == [(SECRET, Confidence.LOW)]


def test_a_value_a_provider_rule_names_is_not_reported_again_as_generic(scanner):
    line = "SLACK_BOT_TOKEN=xoxb-493817264051-7302958164329-OhbVrpoiVgRV5IfLBcbfnoGM"
    assert [f.rule_id for f in scanner.scan(".env", line)] == ["slack.bot-token"]


def test_a_snippet_masks_every_secret_found_on_its_line(scanner):
    line = 'db_password = "Tr0ub4dor&3-horse"; api_token = "OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIA"'
    findings = scanner.scan("config/app.ini", line)
    assert len(findings) == 2
    for finding in findings:
        assert "Tr0ub4dor&3-horse" not in finding.snippet
        assert "OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIA" not in finding.snippet


def test_text_without_a_secret_like_name_never_runs_the_assignment_regex(monkeypatch):
    class Refusing:
        def finditer(self, *args):
            raise AssertionError("the assignment regex ran on text without a name word")

    monkeypatch.setattr(generic, "_ASSIGNMENT", Refusing())
    text = 'colour = "OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIA"\nwidth = 12\n'
    assert list(find_generic("app.py", text, text.lower(), [])) == []
    assert SecretScanner(engine="re").scan("app.py", text) == []


def test_the_generic_pass_can_be_turned_off():
    line = 'api_key = "OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIA"'
    assert SecretScanner(engine="re", generic=False).scan("config/app.ini", line) == []
