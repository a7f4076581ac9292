"""Shared inputs of the scanner benchmarks: the corpus's secret lines as files, and the large tree."""

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.bench.scanner.tree import Tree, build_tree
from tests.scans.corpus import load


@dataclass(frozen=True)
class LabelledFile:
    name: str
    secret: bool
    holdout: bool


@dataclass(frozen=True)
class SecretFiles:
    root: Path
    files: list[LabelledFile]


@contextmanager
def _folder(name: str) -> Iterator[Path]:
    # Outside pytest's temporary tree: a path naming "pytest" could read as a test fixture to a scanner.
    folder = Path(tempfile.mkdtemp(prefix=f"scanner-bench-{name}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _key(item: dict) -> str:
    return json.dumps(item, sort_keys=True)


@pytest.fixture(scope="session")
def secret_files() -> Iterator[SecretFiles]:
    """One file per corpus line (the same files for every tool); the holdout split is a subset of them."""
    holdout = {_key(item) for item in load("secrets", "holdout")}
    with _folder("secrets") as root:
        files = []
        for index, item in enumerate(load("secrets", "all")):
            name = f"item-{index:04d}.txt"
            (root / name).write_text(item["line"] + "\n", encoding="utf-8")
            files.append(LabelledFile(name, item["label"] == "secret", _key(item) in holdout))
        yield SecretFiles(root, files)


@pytest.fixture(scope="session")
def large_tree() -> Iterator[Tree]:
    with _folder("tree") as root:
        yield build_tree(root, [item for item in load("secrets", "all") if item["label"] == "secret"])


@pytest.fixture(scope="session")
def kingfisher_cache() -> Iterator[Path]:
    with _folder("kingfisher-cache") as folder:
        yield folder
