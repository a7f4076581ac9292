"""Shared fixtures for the engine's tests: a tree with a planted secret, scanned for real."""

from pathlib import Path

import pytest

# A token shaped like GitHub's (its checksum holds): a finding every secret engine path must report.
PLANTED = "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"


@pytest.fixture
def planted_tree(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "settings.py").write_text(f'DEBUG = False\nGITHUB_TOKEN = "{PLANTED}"\n')
    (root / "src" / "clean.py").write_text("def add(a, b):\n    return a + b\n")
    return root
