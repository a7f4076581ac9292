"""`bastion-scan` as users run it: a subprocess, exit codes, formats, files, and never a whole secret."""

import contextlib
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.scans.engine.conftest import PLANTED
from tests.scans.engine.test_sarif import SCHEMA

REPO = Path(__file__).resolve().parents[3]
CONSOLE_SCRIPT = shutil.which("bastion-scan", path=str(Path(sys.executable).parent))


def environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
    # The engine must import from any directory; the checkout is on the path as an installed project would be.
    env["PYTHONPATH"] = str(REPO)
    return env


@pytest.fixture(params=["console-script", "module"])
def scan(request):
    if request.param == "console-script":
        assert CONSOLE_SCRIPT, "bastion-scan is not installed in this environment: run `make` (pip install -e .)"
        command = [CONSOLE_SCRIPT]
    else:
        command = [sys.executable, "-m", "scans.engine.cli"]

    def run(*args: str, env: dict | None = None, **streams) -> subprocess.CompletedProcess:
        streams = streams or {"capture_output": True}
        return subprocess.run([*command, *args], text=True, env=env or environment(), **streams)

    return run


def test_a_planted_secret_fails_with_exit_1_and_a_readable_report(scan, planted_tree):
    done = scan("project", "--no-progress")
    assert done.returncode == 1, done.stderr
    assert "project/src/settings.py" in done.stdout
    assert "github.pat-classic" in done.stdout
    assert "ghp_…(40 chars)" in done.stdout
    assert "fix: " in done.stdout
    assert "1 finding (1 critical)" in done.stdout
    assert PLANTED not in done.stdout + done.stderr


def test_a_clean_tree_exits_0(scan, planted_tree):
    (planted_tree / "src" / "settings.py").unlink()
    done = scan("project")
    assert (done.returncode, done.stderr) == (0, "")
    assert "0 findings" in done.stdout


def test_fail_on_raises_the_threshold(scan, planted_tree):
    assert scan("project", "--fail-on", "critical").returncode == 1
    (planted_tree / "src" / "settings.py").write_text("x = 1\n")
    (planted_tree / "model.pkl").write_bytes(b"\x80\x02cmy_project\nNet\nq\x00.")  # an unknown class: medium
    assert scan("project", "--fail-on", "high").returncode == 0
    assert scan("project", "--fail-on", "medium").returncode == 1


def test_a_bad_rules_file_exits_2_with_one_clear_line(scan, planted_tree, tmp_path):
    rules = tmp_path / "custom.toml"
    rules.write_text('[[rules]]\nid = "acme.key"\nname = "Acme"\n')
    done = scan("project", "--rules", str(rules))
    assert done.returncode == 2
    assert done.stderr.startswith("bastion-scan: custom.toml: rule 'acme.key' lacks ")
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_custom_rules_add_to_the_builtin_ones(scan, planted_tree, tmp_path):
    rules = tmp_path / "custom.toml"
    rules.write_text(
        """[[rules]]
id = "acme.api-key"
name = "Acme API key"
description = "A key for Acme's API."
pattern = 'acme_key_([a-z0-9]{24})'
keywords = ["acme_key_"]
severity = "high"
confidence = "high"
remediation = "Rotate it in the Acme console."
examples = ["ACME=acme_key_0a1b2c3d4e5f6g7h8i9j0k1l"]
"""
    )
    (planted_tree / "acme.env").write_text("ACME=acme_key_9z8y7x6w5v4u3t2s1r0q9p8o\n")
    done = scan("project", "--rules", str(rules), "--format", "json")
    rules_found = {finding["rule_id"] for finding in json.loads(done.stdout)["findings"]}
    assert {"acme.api-key", "github.pat-classic"} <= rules_found


@pytest.mark.parametrize("content", ["{corrupt", '{"version": 7, "fingerprints": []}'])
def test_a_corrupt_baseline_exits_2(scan, planted_tree, tmp_path, content):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content)
    done = scan("project", "--baseline", str(baseline))
    assert done.returncode == 2
    assert done.stderr.startswith("bastion-scan: baseline ")
    assert "Traceback" not in done.stderr


def test_a_missing_path_exits_2(scan, planted_tree):
    done = scan("project", "no-such-dir")
    assert (done.returncode, done.stderr) == (2, "bastion-scan: no-such-dir does not exist\n")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--git", "--staged"], "bastion-scan: --git and --staged scan different things; pick one\n"),
        (["--update-baseline"], "bastion-scan: --update-baseline needs --baseline FILE to write to\n"),
    ],
)
def test_flags_that_contradict_each_other_exit_2_with_one_line(scan, planted_tree, flags, message):
    done = scan("project", *flags)
    assert (done.returncode, done.stderr) == (2, message)


def test_the_baseline_workflow_fails_only_on_new_findings(scan, planted_tree, tmp_path):
    baseline = tmp_path / "baseline.json"
    written = scan("project", "--baseline", str(baseline), "--update-baseline")
    assert written.returncode == 0
    assert baseline.exists()
    assert PLANTED not in baseline.read_text()
    assert scan("project", "--baseline", str(baseline)).returncode == 0
    (planted_tree / "src" / "more.py").write_text(f'T = "{PLANTED}"\n')
    again = scan("project", "--baseline", str(baseline), "--format", "json")
    assert again.returncode == 1
    summary = json.loads(again.stdout)["summary"]
    assert (summary["findings"], summary["suppressed_by_baseline"]) == (1, 1)


def test_sarif_output_to_a_file_validates(scan, planted_tree, tmp_path):
    output = tmp_path / "out.sarif"
    done = scan("project", "--format", "sarif", "--output", str(output))
    assert done.returncode == 1
    assert done.stdout == ""
    document = json.loads(output.read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    assert PLANTED not in output.read_text()


def test_json_output_has_the_documented_keys(scan, planted_tree):
    document = json.loads(scan("project", "--format", "json").stdout)
    assert list(document) == ["version", "tool", "started_at", "engine", "summary", "findings", "skipped", "errors"]
    assert document["summary"]["risk_level"] == "critical"
    assert document["summary"]["files_scanned"] == 2
    assert PLANTED not in json.dumps(document)


def test_piped_output_has_no_progress_bar_and_no_colour(scan, planted_tree):
    done = scan("project")
    assert "\r" not in done.stderr + done.stdout
    assert "\033[" not in done.stderr + done.stdout
    assert done.stderr == ""


def test_git_history_from_the_command_line(scan, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from tests.scans.engine.test_git_history import git

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "k.py").write_text(f'K = "{PLANTED}"\n')
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "oops")
    git(repo, "rm", "-q", "k.py")
    git(repo, "commit", "-qm", "fix")
    assert scan("repo").returncode == 0
    done = scan("repo", "--git")
    assert done.returncode == 1
    assert "commit " in done.stdout
    assert "Ada Dev" in done.stdout


def test_the_engine_runs_without_django(scan, planted_tree):
    # The import-time log lists every module a run imported; Django must not be among them.
    done = scan("project", env={**environment(), "PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 1
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert "scans.engine.scanner" in imported
    assert not [name for name in imported if name.split(".")[0] == "django"]


def test_a_terminal_gets_a_progress_bar_on_stderr(scan, planted_tree):
    leader, follower = pty.openpty()
    try:
        done = scan("project", "--format", "json", stderr=follower, stdout=subprocess.PIPE)
        os.close(follower)
        shown = b""
        with contextlib.suppress(OSError):
            while chunk := os.read(leader, 4096):
                shown += chunk
    finally:
        os.close(leader)
    assert b"scanning: " in shown
    assert b"files" in shown
    assert b"MB/s" in shown
    assert json.loads(done.stdout)["summary"]["findings"] == 1  # the report itself stays clean


def test_manage_py_scan_wraps_the_same_command(planted_tree):
    env = {**environment(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "scan", "project", "--format", "json", "--fail-on", "critical"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["by_severity"]["critical"] == 1
