"""The SARIF output validates against the official 2.1.0 schema and carries what GitHub code scanning reads."""

import json
import pickle
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from scans.engine.report import Report
from scans.engine.report.as_sarif import FINGERPRINT_NAME, render_sarif
from scans.engine.scanner import Scanner
from tests.scans.engine.conftest import PLANTED

SCHEMA = json.loads((Path(__file__).parents[2] / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())


class _Evil:
    def __reduce__(self):
        return (eval, ("1",))


@pytest.fixture
def sarif(planted_tree) -> dict:
    (planted_tree / "model.pkl").write_bytes(pickle.dumps(_Evil()))
    result = Scanner(engine="re").scan_paths(["project"])
    return json.loads(render_sarif(Report(result, datetime.now(UTC), "0.1.0", ["bastion-scan", "project"])))


def test_the_sarif_validates_against_the_official_schema(sarif):
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    assert sarif["version"] == "2.1.0"


def test_results_point_at_their_rule_with_levels_locations_and_fingerprints(sarif):
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_rule = {result["ruleId"]: result for result in run["results"]}
    secret = by_rule["github.pat-classic"]
    assert rules[secret["ruleIndex"]]["id"] == "github.pat-classic"
    assert secret["level"] == "error"
    location = secret["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "project/src/settings.py", "uriBaseId": "%SRCROOT%"}
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (2, 17)
    assert len(secret["partialFingerprints"][FINGERPRINT_NAME]) == 32
    assert "model.dangerous-import" in by_rule


def test_rules_carry_help_and_a_security_severity(sarif):
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["help"]["text"]
        assert rule["help"]["markdown"]
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}


def test_the_run_names_its_invocation_and_category(sarif):
    run = sarif["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["automationDetails"]["id"].startswith("bastion-scan/")


def test_no_whole_secret_in_the_sarif(sarif):
    assert PLANTED not in json.dumps(sarif)
