"""History scans find a secret that a later commit deleted, and name the commit that brought it in."""

import subprocess
from pathlib import Path

import pytest

from scans.engine.git import GitError, scan_history, scan_staged
from scans.engine.scanner import Scanner
from tests.scans.engine.conftest import PLANTED


def git(repo: Path, *args: str, date: str = "2026-01-01T10:00:00+00:00") -> str:
    env = {
        "GIT_AUTHOR_NAME": "Ada Dev", "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": "Ada Dev", "GIT_COMMITTER_EMAIL": "ada@example.com", "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin",
    }  # fmt: skip
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "app.py").write_text("print('hello')\n")
    git(root, "add", ".")
    git(root, "commit", "-qm", "start")
    (root / "config.py").write_text(f'TOKEN = "{PLANTED}"\n')
    git(root, "add", ".")
    git(root, "commit", "-qm", "add config", date="2026-02-03T04:05:06+00:00")
    (root / "config.py").write_text(f'TOKEN = "{PLANTED}"\nDEBUG = 1\n')
    git(root, "commit", "-qam", "tweak config", date="2026-02-04T00:00:00+00:00")
    git(root, "rm", "-q", "config.py")
    git(root, "commit", "-qm", "remove the secret", date="2026-03-01T00:00:00+00:00")
    return root


def test_a_deleted_secret_is_found_with_the_commit_that_introduced_it(repo):
    introduced = git(repo, "rev-list", "-n1", "HEAD~2")
    assert not (repo / "config.py").exists()
    result = scan_history(Scanner(engine="re"), repo)
    (finding,) = [f for f in result.findings if f.rule_id == "github.pat-classic"]
    assert finding.path == "config.py"
    assert finding.extra["commit"] == introduced
    assert finding.extra["author"] == "Ada Dev <ada@example.com>"
    assert finding.extra["date"].startswith("2026-02-03T04:05:06")
    assert PLANTED not in finding.snippet


def test_every_blob_is_read_once(repo):
    result = scan_history(Scanner(engine="re"), repo)
    # app.py, then the two versions of config.py: three distinct blobs in four commits.
    assert result.files_scanned == 3


def test_branches_other_than_the_current_one_are_scanned(repo):
    git(repo, "checkout", "-qb", "feature")
    (repo / "side.py").write_text(f'KEY = "{PLANTED}"\n')
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "side")
    git(repo, "checkout", "-q", "main")
    paths = {f.path for f in scan_history(Scanner(engine="re"), repo).findings}
    assert paths == {"config.py", "side.py"}


def test_staged_scans_the_index_version_not_the_working_file(repo):
    (repo / "staged.py").write_text(f'KEY = "{PLANTED}"\n')
    git(repo, "add", "staged.py")
    (repo / "staged.py").write_text("KEY = None\n")  # the working copy is clean, the commit would not be
    (repo / "unstaged.py").write_text(f'KEY = "{PLANTED}"\n')
    result = scan_staged(Scanner(engine="re"), repo)
    assert [f.path for f in result.findings] == ["repo/staged.py"]
    assert result.files_scanned == 1


def test_a_directory_outside_git_is_a_clear_error(tmp_path):
    with pytest.raises(GitError, match="rev-parse failed"):
        scan_history(Scanner(engine="re"), tmp_path)
