"""A baseline lets only new findings fail a build, carries no secret, and refuses a corrupt file clearly."""

import json

import pytest

from scans.engine.baseline import BaselineError, baseline_load, baseline_write
from scans.engine.scanner import Scanner
from tests.scans.engine.conftest import PLANTED


def test_a_written_baseline_suppresses_exactly_the_known_findings(planted_tree, tmp_path):
    scanner = Scanner(engine="re")
    known = scanner.scan_paths(["project"]).findings
    assert known
    path = tmp_path / "baseline.json"
    assert baseline_write(path, known) == len(known)
    # The same token pasted into another file is a new finding: fingerprints include the path.
    (planted_tree / "src" / "new.py").write_text(f'token = "{PLANTED}"\n')
    findings = scanner.scan_paths(["project"]).findings
    new, suppressed = baseline_load(path).new_findings(findings)
    assert suppressed == len(known)
    assert [finding.path for finding in new] == ["project/src/new.py"]


def test_the_baseline_holds_fingerprints_rules_and_paths_never_the_secret(planted_tree, tmp_path):
    path = tmp_path / "baseline.json"
    baseline_write(path, Scanner(engine="re").scan_paths(["project"]).findings)
    text = path.read_text()
    assert PLANTED not in text
    assert PLANTED[:12] not in text
    document = json.loads(text)
    assert document["version"] == 1
    assert document["generated_at"]
    assert set(document["fingerprints"][0]) == {"fingerprint", "rule_id", "path"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"version": 99, "fingerprints": []}', "has version 99"),
        ("[1, 2]", "is not a Bastion baseline"),
        ('{"version": 1, "fingerprints": [{"rule_id": "x"}]}', "fingerprints must be a list"),
    ],
)
def test_a_corrupt_baseline_is_refused_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        baseline_load(path)


def test_a_missing_baseline_says_how_to_create_one(tmp_path):
    with pytest.raises(BaselineError, match="--update-baseline"):
        baseline_load(tmp_path / "absent.json")
