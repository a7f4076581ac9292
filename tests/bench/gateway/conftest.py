"""Three ways to the same model server, each a process of its own on loopback: the upstream itself,
LiteLLM's proxy routed to it, and Bastion (uvicorn, guardrails on) routed to it with an organization's
API key of scope `chat`. Bastion works on the test database pytest-django created, as
tests/bench/scans does; LiteLLM runs from its own virtualenv (requirements/bench-litellm.txt)."""

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError

import pytest
from django.conf import settings

from organizations.roles import Role
from tests.bench.gateway import upstream as upstream_server
from tests.organizations.factories import MembershipFactory, api_key_with_secret

# process_env is a fixture, found by its name.
from tests.processes import BIN, free_port, process_env, process_running  # noqa: F401

# Its own virtualenv: LiteLLM's pins would move openai and websockets under Bastion (`make bench-peers`).
LITELLM_VENV = Path(settings.BASE_DIR) / ".venv" / "peers" / "litellm"
LITELLM_MASTER_KEY = "sk-bench-litellm-master"
# Both gateways get one worker process, as the upstream has one.
WORKERS = 1


@dataclass(frozen=True)
class Target:
    """Where the load generator sends its requests, and the process whose CPU time it reads."""

    name: str
    base_url: str  # ends with /v1, as the openai client takes it
    api_key: str
    process: subprocess.Popen


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def upstream() -> Iterator[Target]:
    command = [sys.executable, "-m", "tests.bench.gateway.upstream"]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline())
        yield Target("upstream, direct", f"http://127.0.0.1:{port}/v1", upstream_server.API_KEY, process)
    finally:
        process.terminate()
        process.wait(timeout=15)


def litellm_version() -> str:
    command = [
        str(LITELLM_VENV / "bin" / "python"),
        "-c",
        "import importlib.metadata as m; print(m.version('litellm'))",
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def _litellm_config(upstream: Target) -> str:
    return f"""model_list:
  - model_name: {upstream_server.MODEL}
    litellm_params:
      model: openai/{upstream_server.MODEL}
      api_base: {upstream.base_url}
      api_key: {upstream.api_key}
general_settings:
  master_key: {LITELLM_MASTER_KEY}
litellm_settings:
  telemetry: false
"""


@pytest.fixture(scope="session")
def litellm_proxy(upstream: Target, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    executable = LITELLM_VENV / "bin" / "litellm"
    if not executable.exists():
        pytest.fail(f"LiteLLM's proxy is not installed in {LITELLM_VENV}: run `make bench-peers`.")
    config = tmp_path_factory.mktemp("litellm") / "config.yaml"
    config.write_text(_litellm_config(upstream))
    port = free_port()
    command = [str(executable), "--config", str(config), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--num_workers", str(WORKERS), "--telemetry", "False"]
    # No database, no Redis (its DATABASE_URL would be Bastion's), nothing fetched: the price list it
    # ships is read instead of the one it would download at start.
    env = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"LITELLM_LOG": "ERROR", "LITELLM_LOCAL_MODEL_COST_MAP": "True", "PYTHONUNBUFFERED": "1"}
    base = f"http://127.0.0.1:{port}"
    with process_running(command, env=env, ready=lambda: _answers(f"{base}/health/liveliness")) as process:
        yield Target("LiteLLM proxy", f"{base}/v1", LITELLM_MASTER_KEY, process)


@pytest.fixture
def bastion(transactional_db: None, upstream: Target, process_env: dict[str, str]) -> Iterator[Target]:  # noqa: F811 -- pytest passes the fixture imported above
    membership = MembershipFactory(role=Role.MEMBER)
    _, key = api_key_with_secret(organization=membership.organization, scopes=("chat",))
    env = {
        **process_env,
        "LLM_OPENAI_BASE_URL": upstream.base_url,
        "LLM_OPENAI_API_KEY": upstream.api_key,
        "LLM_OPENAI_MODELS": upstream_server.MODEL,
        "LOG_LEVEL": "WARNING",
    }
    port = free_port()
    command = [str(BIN / "uvicorn"), "config.asgi:application", "--lifespan", "off", "--no-proxy-headers"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS), "--log-level", "warning"]
    base = f"http://127.0.0.1:{port}"
    with process_running(command, env=env, ready=lambda: _answers(f"{base}/health")) as process:
        yield Target("Bastion", f"{base}/v1", key, process)
