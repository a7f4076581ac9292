"""The labelled quality set (tests/data/code-snippets): every positive found, nothing else reported."""

import json
import re
from pathlib import Path

import pytest

from scans.engine.code import scan_code

SNIPPETS = Path(__file__).resolve().parents[2] / "data" / "code-snippets"
MANIFEST = json.loads((SNIPPETS / "manifest.json").read_text(encoding="utf-8"))
FILES = sorted({case["file"] for case in MANIFEST["cases"]})
MARKER = re.compile(r"# expect: (.+)$")


def _reported(relative: str) -> dict[int, set[str]]:
    text = (SNIPPETS / relative).read_text(encoding="utf-8")
    lines: dict[int, set[str]] = {}
    for finding in scan_code(relative, text):
        lines.setdefault(finding.line, set()).add(finding.rule_id)
    return lines


def _labels(relative: str) -> dict[int, set[str]]:
    lines: dict[int, set[str]] = {}
    for case in MANIFEST["cases"]:
        if case["file"] == relative:
            lines.setdefault(case["line"], set()).add(case["expected"])
    return lines


@pytest.mark.parametrize("relative", FILES)
def test_every_labelled_positive_is_reported(relative):
    reported = _reported(relative)
    missed = [
        (line, rule)
        for line, rules in _labels(relative).items()
        for rule in rules - {"negative"}
        if rule not in reported.get(line, set())
    ]
    assert missed == []


@pytest.mark.parametrize("relative", FILES)
def test_nothing_is_reported_on_negative_or_unlabelled_lines(relative):
    labels = _labels(relative)
    extra = [
        (line, rule)
        for line, rules in _reported(relative).items()
        for rule in rules
        if rule not in labels.get(line, set())
    ]
    assert extra == []


@pytest.mark.parametrize("relative", FILES)
def test_the_manifest_matches_the_labels_written_beside_the_code(relative):
    written: dict[int, set[str]] = {}
    for number, line in enumerate((SNIPPETS / relative).read_text(encoding="utf-8").splitlines(), 1):
        marker = MARKER.search(line)
        if marker:
            written[number] = {label.strip() for label in marker.group(1).split(",")}
    assert written == _labels(relative)


def test_the_classic_suite_is_large_enough_to_compare_with_bandit():
    classic = [case for case in MANIFEST["cases"] if case["suite"] == "classic"]
    positives = [case for case in classic if case["expected"] != "negative"]
    assert len(positives) >= 80
    assert len(classic) - len(positives) >= 60
    assert {case["expected"] for case in positives} == set(MANIFEST["bandit_equivalents"])
