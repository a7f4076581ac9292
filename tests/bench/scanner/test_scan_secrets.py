"""Secrets, quality: the corpus's lines, one file each, scanned by Bastion and its peers in the same run.

A `secret` file counts as found when a tool reports anything in it; a `not_secret` file with any report
is a false positive. The holdout split (never read while the rules were written) is the honest figure.
"""

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import kingfisher

from scans.engine.secrets import SecretScanner
from tests.bench.scanner import tools
from tests.bench.scanner.conftest import LabelledFile
from tests.bench.scanner.report import area, percent, ratio, row

TARGET = 0.90


@dataclass(frozen=True)
class Quality:
    found: int
    secrets: int
    false_positives: int

    @property
    def recall(self) -> float:
        return ratio(self.found, self.secrets)

    @property
    def precision(self) -> float:
        return ratio(self.found, self.found + self.false_positives)


def _quality(files: list[LabelledFile], reported: set[str]) -> Quality:
    found = sum(1 for file in files if file.secret and file.name in reported)
    false_positives = sum(1 for file in files if not file.secret and file.name in reported)
    return Quality(found, sum(1 for file in files if file.secret), false_positives)


def _bastion(root: Path, files: list[LabelledFile]) -> set[str]:
    scanner = SecretScanner()
    return {file.name for file in files if scanner.scan(file.name, (root / file.name).read_text(encoding="utf-8"))}


def test_scan_secrets_quality_on_the_corpus_against_gitleaks_kingfisher_and_detect_secrets(
    secret_files, kingfisher_cache
):
    root, files = secret_files.root, secret_files.files
    peers = {
        "Bastion, `bastion-scan`": tools.bastion_cli(root),
        tools.gitleaks_version(): tools.gitleaks(root),
        f"Kingfisher {kingfisher.__version__}": tools.kingfisher_scan(root, jobs=None, cache_dir=kingfisher_cache),
        f"detect-secrets {tools.version('detect-secrets')}": tools.detect_secrets(root),
    }
    reported = [_bastion(root, files), *({path for path, _ in run.reported} for run in peers.values())]
    holdout = [file for file in files if file.holdout]
    figures = area(
        "Secrets, quality",
        list(peers),
        f"Input: the corpus's lines (tests/data/scanner-corpus/secrets.jsonl), one file each, the same files for "
        f"every tool: holdout {len(holdout)} lines, all {len(files)}. A secret line is found when the tool reports "
        "anything in its file; any report in a not_secret file is a false positive. Bastion: `SecretScanner` in "
        "process, and the command line (`bastion-scan . --format json`, every analyzer). gitleaks: `gitleaks dir`, "
        "default configuration. Kingfisher: `kingfisher scan --no-validate --no-dedup`, default rules. "
        "detect-secrets: `detect-secrets --cores 1 scan --all-files`, default plugins.",
    )
    for split, chosen in (("holdout", holdout), ("all", files)):
        qualities = [_quality(chosen, each) for each in reported]
        ours, gitleaks = qualities[0], qualities[2]
        honest = " (the honest figure)" if split == "holdout" else ""
        row(
            figures,
            f"recall, {split}{honest}",
            [percent(q.found, q.secrets) for q in qualities],
            ">= 90 % and >= gitleaks'",
            ours.recall >= TARGET and ours.recall >= gitleaks.recall,
        )
        row(
            figures,
            f"precision, {split}{honest}",
            [percent(q.found, q.found + q.false_positives) for q in qualities],
            ">= 90 % and >= gitleaks'",
            ours.precision >= TARGET and ours.precision >= gitleaks.precision,
        )
        row(figures, f"false positives, {split}", [str(q.false_positives) for q in qualities])


BAIT = Path(__file__).resolve().parents[2] / "data" / "generic-bait"
# A test fixture's literal credential: `name = "value"`, alone on its line, in the bait's tests/ folder.
FIXTURE_ASSIGNMENT = re.compile(r"""^\s*[A-Za-z_]\w*\s*=\s*["'][^"']{8,}["']\s*$""")


def _bait(root: Path) -> tuple[list[str], set[tuple[str, int]]]:
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "README.md")
    fixtures = {
        (name, number)
        for name in files
        if name.startswith("tests/")
        for number, line in enumerate((root / name).read_text(encoding="utf-8").splitlines(), 1)
        if FIXTURE_ASSIGNMENT.match(line)
    }
    return files, fixtures


def test_scan_secrets_generic_bait_against_gitleaks_kingfisher_and_detect_secrets(tmp_path, kingfisher_cache):
    # Copied out of tests/data/ so that no tool reads every file as a test fixture by its path.
    root = tmp_path / "bait"
    shutil.copytree(BAIT, root)
    files, fixtures = _bait(root)
    assert fixtures, "the bait's tests/ folder holds the fixture credentials the detectors must report"
    scanner = SecretScanner()
    reported = {
        "Bastion": {
            (name, finding.line)
            for name in files
            for finding in scanner.scan(name, (root / name).read_text(encoding="utf-8", errors="replace"))
        },
        tools.gitleaks_version(): tools.gitleaks(root).reported,
        f"Kingfisher {kingfisher.__version__}": tools.kingfisher_scan(
            root, jobs=None, cache_dir=kingfisher_cache
        ).reported,
        f"detect-secrets {tools.version('detect-secrets')}": tools.detect_secrets(root).reported,
    }
    bait_files = [name for name in files if not name.startswith("tests/")]
    figures = area(
        "Secrets, generic false-positive bait",
        list(reported)[1:],
        f"Input: tests/data/generic-bait ({len(bait_files)} files that look like they hold credentials and hold "
        f"none, modelled on gitleaks' generic-api-key complaints; and {len(fixtures)} fixture credential lines "
        "under tests/, which a detector should report). Same tools and options as the quality table.",
    )
    bait_hits = [{pair for pair in each if pair[0] in bait_files} for each in reported.values()]
    row(
        figures,
        "findings (file, line) on bait",
        [str(len(hits)) for hits in bait_hits],
        "fewer than gitleaks'",
        len(bait_hits[0]) < len(bait_hits[1]),
    )
    row(
        figures,
        "bait files with a finding",
        [percent(len({name for name, _ in hits}), len(bait_files)) for hits in bait_hits],
    )
    row(
        figures,
        "fixture credential lines found",
        [percent(len(fixtures & each), len(fixtures)) for each in reported.values()],
        "all",
        fixtures <= reported["Bastion"],
    )
