"""Secrets, quality: the corpus's lines, one file each, scanned by Bastion and its peers in the same run.

A `secret` file counts as found when a tool reports anything in it; a `not_secret` file with any report
is a false positive. The holdout split (never read while the rules were written) is the honest figure.
"""

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
        "process. gitleaks: `gitleaks dir`, default configuration. Kingfisher: `kingfisher scan --no-validate "
        "--no-dedup`, default rules. detect-secrets: `detect-secrets scan --all-files`, default plugins.",
    )
    for split, chosen in (("holdout", holdout), ("all", files)):
        qualities = [_quality(chosen, each) for each in reported]
        ours, gitleaks = qualities[0], qualities[1]
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
