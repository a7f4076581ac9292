"""Python dangerous code: Bastion's analyzer and bandit on the labelled snippets, then on the standard library.

Quality follows tests/data/code-snippets/README.md: a positive line is found when the tool reports its
rule there (bandit: one of the test ids the manifest's `bandit_equivalents` gives for that rule); any
report on a negative line is a false alarm. Speed: one process each over the same .py files.
"""

import json
import shutil
from collections import Counter
from pathlib import Path

from scans.engine.code import scan_code
from tests.bench.conftest import Table
from tests.bench.scanner import tools
from tests.bench.scanner.report import area, percent, row

SNIPPETS = Path(__file__).resolve().parents[2] / "data" / "code-snippets"
MB = 1e6


def _bastion_lines(root: Path) -> dict[tuple[str, int], set[str]]:
    lines: dict[tuple[str, int], set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        relative = str(path.relative_to(root))
        for finding in scan_code(relative, path.read_text(encoding="utf-8")):
            lines.setdefault((relative, finding.line), set()).add(finding.rule_id)
    return lines


def _bandit_lines(root: Path) -> dict[tuple[str, int], set[str]]:
    lines: dict[tuple[str, int], set[str]] = {}
    for item in tools.bandit(root)[0]:
        lines.setdefault((item["filename"], item["line_number"]), set()).add(item["test_id"])
    return lines


def _mapping_note(equivalents: dict[str, list[str]]) -> str:
    pairs = [f"{rule} → {', '.join(ids) if ids else 'none'}" for rule, ids in sorted(equivalents.items())]
    return "bandit test ids counted for each rule (the manifest's `bandit_equivalents`): " + "; ".join(pairs) + "."


def test_scan_code_quality_on_the_snippets_and_speed_on_the_stdlib_against_bandit(large_tree, tmp_path):
    manifest = json.loads((SNIPPETS / "manifest.json").read_text(encoding="utf-8"))
    equivalents: dict[str, list[str]] = manifest["bandit_equivalents"]
    snippets = tmp_path / "snippets"
    shutil.copytree(SNIPPETS, snippets)
    with tools.no_network():
        ours = _bastion_lines(snippets)
    theirs = _bandit_lines(snippets)
    mapped = {test_id for ids in equivalents.values() for test_id in ids}

    cases = {suite: [c for c in manifest["cases"] if c["suite"] == suite] for suite in ("classic", "llm")}
    negative_count = sum(c["expected"] == "negative" for c in cases["classic"])
    figures = area(
        "Python dangerous code",
        [f"bandit {tools.version('bandit')}"],
        f"Quality input: tests/data/code-snippets (classic suite: {len(cases['classic']) - negative_count} "
        f"positive and {negative_count} negative lines over "
        f"{len(equivalents)} rules; the LLM suite has no bandit equivalent). A positive line is found when the tool "
        "reports the line's rule on it; any report on a negative line is a false alarm (for bandit, counted twice: "
        "any test id, and only the ids mapped to a rule). Bastion: `scan_code` in this process; bandit: "
        "`bandit -r -f json -q`, default profile. " + _mapping_note(equivalents),
    )
    for suite, chosen in cases.items():
        positives = [c for c in chosen if c["expected"] != "negative"]
        negatives = [c for c in chosen if c["expected"] == "negative"]
        found_ours = sum(c["expected"] in ours.get((c["file"], c["line"]), ()) for c in positives)
        found_theirs = sum(
            bool(set(equivalents.get(c["expected"], ())) & theirs.get((c["file"], c["line"]), set())) for c in positives
        )
        alarms_ours = sum(bool(ours.get((c["file"], c["line"]))) for c in negatives)
        alarms_theirs = sum(bool(theirs.get((c["file"], c["line"]))) for c in negatives)
        alarms_mapped = sum(bool(mapped & theirs.get((c["file"], c["line"]), set())) for c in negatives)
        bandit_applies = suite == "classic"
        row(
            figures,
            f"recall, {suite} suite",
            [percent(found_ours, len(positives)), percent(found_theirs, len(positives)) if bandit_applies else "—"],
            ">= bandit's" if bandit_applies else "",
            found_ours >= found_theirs if bandit_applies else None,
        )
        row(
            figures,
            f"false alarms on negative lines, {suite} suite",
            [
                percent(alarms_ours, len(negatives)),
                f"{percent(alarms_theirs, len(negatives))}; mapped ids {alarms_mapped}" if bandit_applies else "—",
            ],
            "fewer than bandit's" if bandit_applies else "",
            alarms_ours < min(alarms_theirs, alarms_mapped) if bandit_applies else None,
        )
    per_rule = Counter(c["expected"] for c in cases["classic"] if c["expected"] != "negative")
    for rule, total in sorted(per_rule.items()):
        chosen = [c for c in cases["classic"] if c["expected"] == rule]
        a = sum(rule in ours.get((c["file"], c["line"]), ()) for c in chosen)
        b = sum(bool(set(equivalents[rule]) & theirs.get((c["file"], c["line"]), set())) for c in chosen)
        row(figures, f"found, {rule}", [f"{a}/{total}", f"{b}/{total}"])

    planted = sum(item.path.startswith("stdlib/") for item in large_tree.planted)
    _speed(figures, large_tree.root / "stdlib", planted)


def _speed(figures: Table, stdlib: Path, planted: int) -> None:
    python_files = sorted(stdlib.rglob("*.py"))
    size = sum(path.stat().st_size for path in python_files)
    ours, our_wall, our_cpu = tools.bastion_code(stdlib)
    theirs, their_wall, their_cpu = tools.bandit(stdlib)
    row(
        figures,
        f"MB/s on the standard library's .py files ({len(python_files)} files, {size / MB:.1f} MB, {planted} with "
        "a planted secret line, which may not parse), one run each",
        [f"{size / MB / our_wall:.2f}", f"{size / MB / their_wall:.2f}"],
        ">= 5× bandit's",
        their_wall / our_wall >= 5,
    )
    row(figures, "wall s / CPU s", [f"{our_wall:.1f} / {our_cpu:.1f}", f"{their_wall:.1f} / {their_cpu:.1f}"])
    row(figures, "findings on the standard library", [str(len(ours)), str(len(theirs))])
