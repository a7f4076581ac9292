"""Real processes (Celery worker, ASGI server) working on the test database pytest-django created.

Used by tests/integration and by the benchmarks (tests/bench/scans): their conftests import the fixtures."""

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

BIN = Path(settings.BASE_DIR) / ".venv" / "bin"
STARTUP_TIMEOUT = 60.0


def database_url_for(database: dict[str, Any]) -> str:
    """A `DATABASE_URL` naming the test database described by a connection's `settings_dict`."""
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(database['NAME']).resolve()}"
    # Same server, credentials and options as the configured URL; only the database name differs.
    return urlsplit(settings.DATABASE_URL)._replace(path=f"/{database['NAME']}").geturl()


@pytest.fixture(scope="session")
def process_env(django_db_setup: None) -> dict[str, str]:
    """Environment for a child process: this session's settings, pointed at its test database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": database_url_for(connection.settings_dict),
        "PYTHONUNBUFFERED": "1",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def process_running(
    command: list[str], *, env: dict[str, str], ready: Callable[[], bool]
) -> Iterator[subprocess.Popen]:
    """Run `command` until the block ends; fail with its output if it exits or is not `ready()` in time.
    Yields the process, for a test that kills it."""
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not ready():
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"{' '.join(command)} did not start (exit code {process.poll()}):\n{log.read()}")
                time.sleep(0.2)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/health", timeout=1) as response:
            return response.status == 200
    except (URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def uvicorn_running(env: dict[str, str], *options: str) -> Iterator[str]:
    """The real ASGI app under uvicorn, started as `make run` and the README start it, with uvicorn's
    `options` added; yields its base URL."""
    with uvicorn_process(env, *options) as (base_url, _):
        yield base_url


@contextmanager
def uvicorn_process(env: dict[str, str], *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """As uvicorn_running, also yielding the process, for a test that reads its memory."""
    port = free_port()
    command = [str(BIN / "uvicorn"), "config.asgi:application", "--lifespan", "off", "--no-proxy-headers"]
    command += ["--host", "127.0.0.1", "--port", str(port), *options]
    base_url = f"http://127.0.0.1:{port}"
    with process_running(command, env=env, ready=lambda: _healthy(base_url)) as process:
        yield base_url, process


def _answers_ping(hostname: str) -> bool:
    from config.celery import app as celery_app

    return bool(celery_app.control.ping(destination=[hostname], timeout=0.5))


@pytest.fixture
def celery_queue() -> Iterator[str]:
    """A queue of this test's own, which tasks sent from the test go to: messages another run left in
    the shared default queue, or another worker on the same Redis, must not take part in the test."""
    from config.celery import app as celery_app

    if not settings.REDIS_URL:
        pytest.fail(
            "The Celery worker tests need Redis as broker and result backend: set "
            "REDIS_URL=redis://127.0.0.1:6379/0 (`make test` in CI does). Without it tasks only run in-process."
        )
    name = f"bastion-test-{uuid.uuid4().hex[:12]}"
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    celery_app.conf.task_always_eager = False
    try:
        yield name
    finally:
        celery_app.conf.task_default_queue = default_queue
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        with celery_app.connection_for_write() as connection:
            queue = celery_app.amqp.queues[name](connection.default_channel)
            queue.declare()  # makes the binding known to this channel, so deleting removes it from Redis
            queue.delete()


@dataclass(frozen=True)
class Worker:
    process: subprocess.Popen
    hostname: str


@contextmanager
def celery_worker_running(
    env: dict[str, str], *, queue: str, app: str = "config", pool: str = "solo"
) -> Iterator[Worker]:
    """A real `celery worker` process (one task at a time) consuming `queue` until the block ends."""
    hostname = f"{queue}-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
    command = [str(BIN / "celery"), "-A", app, "worker", f"--pool={pool}", "--concurrency=1", "-l", "warning"]
    command += ["-n", hostname, "-Q", queue, "--without-gossip", "--without-mingle"]
    with process_running(command, env=env, ready=lambda: _answers_ping(hostname)) as process:
        yield Worker(process, hostname)
