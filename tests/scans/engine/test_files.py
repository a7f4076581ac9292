"""The walk reads what git would track, leaves out the rest, and says why it left each file out."""

import os
from pathlib import Path

import pytest

from scans.engine.files import Candidate, Failed, Skipped, iter_files
from scans.engine.scanner import Scanner

SECRET = "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"


def write(root: Path, relative: str, content: str | bytes = "x = 1\n") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def walk(root: Path, **options) -> tuple[set[str], dict[str, str], dict[str, str]]:
    scanned, skipped, failed = set(), {}, {}
    for entry in iter_files([root], **options):
        if isinstance(entry, Candidate):
            scanned.add(Path(entry.shown).relative_to(root).as_posix())
        elif isinstance(entry, Skipped):
            skipped[Path(entry.shown).relative_to(root).as_posix()] = entry.reason
        else:
            failed[Path(entry.shown).relative_to(root).as_posix()] = entry.message
    return scanned, skipped, failed


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, ".git/config", "[core]\n")
    write(root, ".gitignore", "build/\n*.log\n!keep.log\n/only-top.txt\n")
    for name in ("app.py", "build/out.py", "debug.log", "keep.log", "only-top.txt", "sub/only-top.txt"):
        write(root, name)
    write(root, "sub/.gitignore", "local.txt\n")
    write(root, "sub/local.txt")
    write(root, "local.txt")
    return root


def test_gitignore_rules_apply_as_git_applies_them(tree):
    scanned, skipped, _ = walk(Path("repo"))
    assert scanned == {".gitignore", "app.py", "keep.log", "sub/only-top.txt", "sub/.gitignore", "local.txt"}
    assert skipped["build"] == "ignored by .gitignore"
    assert skipped["debug.log"] == skipped["only-top.txt"] == skipped["sub/local.txt"] == "ignored by .gitignore"
    assert skipped[".git"] == "version-control metadata"


def test_a_subdirectory_scan_still_obeys_the_gitignore_above_it(tree):
    write(tree, "build/nested/x.py")
    scanned, skipped, _ = walk(Path("repo/sub"))
    assert "local.txt" not in scanned
    assert skipped["local.txt"] == "ignored by .gitignore"
    write(tree, "sub/trace.log")
    scanned, _, _ = walk(Path("repo/sub"))
    assert "trace.log" not in scanned


def test_exclude_globs_are_gitignore_lines(tree):
    scanned, skipped, _ = walk(Path("repo"), exclude=["*.py", "sub/"])
    assert "app.py" not in scanned
    assert skipped["app.py"] == "excluded by --exclude"
    assert skipped["sub"] == "excluded by --exclude"


def test_files_over_the_limit_are_skipped_with_their_size(tree):
    write(tree, "big.txt", "a" * 5000)
    scanned, skipped, _ = walk(Path("repo"), max_file_bytes=4096)
    assert "big.txt" not in scanned
    assert skipped["big.txt"].startswith("larger than the 4 KiB limit")


def test_symlinks_are_not_followed_out_of_the_tree(tree, tmp_path):
    outside = write(tmp_path, "outside/secret.txt", SECRET)
    os.symlink(outside, tree / "link-out.txt")
    os.symlink(tree / "app.py", tree / "link-in.py")
    os.symlink(tree / "sub", tree / "link-dir")
    scanned, skipped, _ = walk(Path("repo"))
    assert skipped["link-out.txt"] == "symlink out of the scanned tree (not followed)"
    assert skipped["link-dir"] == "symlink to a directory (not followed)"
    assert "link-in.py" in scanned


def test_unreadable_directories_are_errors_not_tracebacks(tree, monkeypatch):
    # The suite runs as root, which reads anything: make the kernel's refusal happen on purpose.
    real_scandir = os.scandir
    locked = tree / "locked"
    locked.mkdir()

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    _, _, failed = walk(Path("repo"))
    assert failed == {"locked": "cannot be read (Permission denied)"}


def test_binaries_are_skipped_and_reported_but_model_files_are_read(tree):
    write(tree, "image.png", b"\x89PNG\r\n\x1a\n\0\0\0" + SECRET.encode())
    write(tree, "model.pkl", b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93.")
    result = Scanner(engine="re").scan_paths([Path("repo")])
    assert ("repo/image.png", "binary file") in result.skipped
    assert [f.rule_id for f in result.findings if f.path == "repo/model.pkl"] == ["model.dangerous-import"]


def test_a_named_file_is_scanned_even_when_ignored(tree):
    entries = list(iter_files([Path("repo/debug.log")]))
    assert [type(entry) for entry in entries] == [Candidate]


def test_a_missing_path_is_an_error_entry(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (entry,) = iter_files([Path("nope.txt")])
    assert isinstance(entry, Failed)
    assert "cannot be read" in entry.message
