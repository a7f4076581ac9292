"""Benchmarks: a real uvicorn process on loopback, measured from this process; figures go to docs/PERFORMANCE.md.

With BENCH_PROFILE=<folder>, py-spy (requirements/bench.txt) records the server while the list is
under load, as collapsed stacks of the thread holding the GIL: <folder>/<name>.txt.
"""

import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
PERFORMANCE = ROOT / "docs" / "PERFORMANCE.md"
# Each region's tables lie between its two lines, the notes around them are kept: a run rewrites the
# tables it measured, each with its own date, and leaves the others (tests/bench/scanner alone keeps the HTTP ones).
REGIONS = {
    "http": ("<!-- make bench: start -->", "<!-- make bench: end -->"),
    "scanner": ("<!-- make bench scanner: start -->", "<!-- make bench scanner: end -->"),
    "scans": ("<!-- make bench scans: start -->", "<!-- make bench scans: end -->"),
    "websocket": ("<!-- make bench websocket: start -->", "<!-- make bench websocket: end -->"),
    "gateway": ("<!-- make bench gateway: start -->", "<!-- make bench gateway: end -->"),
    "retrieval": ("<!-- make bench retrieval: start -->", "<!-- make bench retrieval: end -->"),
}
# Regions measured through the running service: their date lines also name its database and Redis.
SERVICE_REGIONS = ("http", "scans", "websocket", "gateway")


@dataclass
class Table:
    columns: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)


RESULTS: dict[str, dict[str, Table]] = {}


def table(region: str, section: str, columns: tuple[str, ...]) -> Table:
    """The run's table `section` in `region`, made on first use; rows appear in the order recorded."""
    return RESULTS.setdefault(region, {}).setdefault(section, Table(columns))


def record(section: str, metric: str, value: str, target: str = "", *, region: str = "http") -> None:
    table(region, section, ("metric", "measured", "target")).rows.append((metric, value, target))


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1]


@pytest.fixture(scope="session")
def server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen]]:
    port = 8765
    database = tmp_path_factory.mktemp("bench") / "bench.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.bench_settings",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{database}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "WEBAUTHN_ALLOWED_ORIGINS": "https://127.0.0.1",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [
            python,
            "-m",
            "uvicorn",
            "tests.bench.asgi:application",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-proxy-headers",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{url}/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="session")
def server(server_process: tuple[str, subprocess.Popen]) -> str:
    return server_process[0]


@contextmanager
def profiled(process: subprocess.Popen, name: str, seconds: float) -> Iterator[None]:
    """Record `process` with py-spy for `seconds` while the block runs, when BENCH_PROFILE names a folder."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        yield
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    py_spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
    # --gil: only the thread holding the GIL, i.e. where the server's Python time goes.
    command = [py_spy, "record", "--pid", str(process.pid), "--duration", str(int(seconds)), "--rate", "100"]
    command += ["--gil", "--nonblocking", "--format", "raw", "--output", str(Path(folder) / f"{name}.txt")]
    recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        yield
    finally:
        recorder.wait(timeout=seconds + 30)


def _setting(region: str) -> str:
    if region not in SERVICE_REGIONS:
        return ""
    backend = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    return f", {backend}{' + Redis' if os.environ.get('REDIS_URL') else ''}"


def _section(region: str, section: str, figures: Table) -> str:
    when = f"Run {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [f"### {section}", "", f"{when}{_setting(region)}.", "", *figures.notes, *([""] if figures.notes else [])]
    lines += ["| " + " | ".join(figures.columns) + " |", "|" + "---|" * len(figures.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in figures.rows]
    return "\n".join(lines) + "\n"


def _region(region: str, body: str) -> str:
    """The region's sections: this run's replace their namesakes, the others stay as their own run left them."""
    sections = {}
    for chunk in body.split("\n### ")[1:]:
        sections[chunk.partition("\n")[0]] = f"### {chunk.strip()}\n"
    for section, figures in RESULTS[region].items():
        sections[section] = _section(region, section, figures)
    start, end = REGIONS[region]
    return "\n".join([start, *sections.values(), end])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    text = PERFORMANCE.read_text()
    for region in RESULTS:
        start, end = REGIONS[region]
        before, _, rest = text.partition(start)
        body, _, after = rest.partition(end)
        text = before + _region(region, body) + after
    PERFORMANCE.write_text(text)
