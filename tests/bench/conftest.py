"""Benchmarks: a real uvicorn process on loopback, measured from this process; figures go to docs/PERFORMANCE.md."""

import os
import platform
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
RESULTS: dict[str, list[tuple[str, str, str]]] = {}


def record(section: str, metric: str, value: str, target: str = "") -> None:
    RESULTS.setdefault(section, []).append((metric, value, target))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
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
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not RESULTS:
        return
    backend = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    lines = [
        "# Performance",
        "",
        "Figures from `make bench` (`tests/bench/`): one real uvicorn process serving Bastion with the",
        "production settings (Argon2 hashing, every middleware), measured over loopback from the test process",
        "(a Python client sharing the same 2 cores, so throughput figures are lower bounds).",
        f"Last run: {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{backend}{' + Redis' if os.environ.get('REDIS_URL') else ''}.",
        "",
    ]
    for section, rows in RESULTS.items():
        lines += [f"## {section}", "", "| metric | measured | target |", "|---|---|---|"]
        lines += [f"| {metric} | {value} | {target} |" for metric, value, target in rows]
        lines.append("")
    (ROOT / "docs" / "PERFORMANCE.md").write_text("\n".join(lines))
