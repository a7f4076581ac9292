"""Bastion as a scan service: a real uvicorn process answering the API, real Celery workers over Redis,
both on the test database, driven over loopback with an organization's API key."""

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import requests

from organizations.roles import Role
from tests.organizations.factories import MembershipFactory, api_key_with_secret

# celery_queue and process_env are fixtures, found by their names.
from tests.processes import Worker, celery_queue, celery_worker_running, process_env, uvicorn_running  # noqa: F401
from tests.projects.factories import ProjectFactory

FINISHED = ("completed", "failed")
# Long enough for the 50 MB archive on a busy machine; a scan still queued then is a failure.
WAIT_SECONDS = 600.0


@dataclass(frozen=True)
class ScanService:
    api: str  # the API's root, http://127.0.0.1:<port>/api/v1
    session: requests.Session  # sends the organization's API key
    project_id: str
    worker_env: dict[str, str]
    queue: str

    def submit(self, kind: str, **fields: Any) -> dict[str, Any]:
        """POST scans/<kind> (code, prompt or pii) as JSON; the 202's body."""
        response = self.session.post(f"{self.api}/scans/{kind}", json={"project_id": self.project_id, **fields})
        assert response.status_code == 202, response.text
        return response.json()

    def submit_archive(self, name: str, archive: BinaryIO | bytes) -> dict[str, Any]:
        response = self.session.post(
            f"{self.api}/scans/code", data={"project_id": self.project_id}, files={"archive": (name, archive)}
        )
        assert response.status_code == 202, response.text
        return response.json()

    def scan(self, scan_id: str) -> dict[str, Any]:
        response = self.session.get(f"{self.api}/scans/{scan_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def finished(self, scan_id: str, *, poll: float) -> dict[str, Any]:
        """GET scans/<id> every `poll` seconds until it has finished; it must have completed."""
        deadline = time.monotonic() + WAIT_SECONDS
        while (scan := self.scan(scan_id))["status"] not in FINISHED:
            assert time.monotonic() < deadline, f"scan {scan_id} still {scan['status']} after {WAIT_SECONDS} s"
            time.sleep(poll)
        assert scan["status"] == "completed", scan["error_message"]
        return scan

    def worker(self) -> AbstractContextManager[Worker]:
        """A real worker (one task at a time, in its main process) consuming the service's queue."""
        return celery_worker_running(self.worker_env, queue=self.queue)


@pytest.fixture
def scan_service(transactional_db, process_env, celery_queue, tmp_path: Path) -> Iterator[ScanService]:  # noqa: F811 -- pytest passes the fixtures imported above
    membership = MembershipFactory(role=Role.MEMBER)
    project = ProjectFactory(organization=membership.organization)
    _, key = api_key_with_secret(organization=membership.organization, scopes=("read", "scans:write"))
    env = {
        **process_env,
        "DJANGO_SETTINGS_MODULE": "tests.bench.scans.settings",
        "BENCH_CELERY_QUEUE": celery_queue,
        # The web process keeps each queued input here and the worker reads it: one machine, one folder.
        "SCAN_INPUT_DIR": str(tmp_path / "scan-inputs"),
    }
    with uvicorn_running(env) as base_url, requests.Session() as session:
        session.headers["X-API-Key"] = key
        yield ScanService(f"{base_url}/api/v1", session, str(project.pk), env, celery_queue)
