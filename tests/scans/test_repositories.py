"""Repository scans: a shallow clone of one ref from a bare repository served on loopback by
`git http-backend`, with the project's token sent as a header and nowhere else."""

import base64
import logging
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import reverse

from projects.models import Project
from scans import repositories
from scans.exceptions import RepositoryUnsafe
from scans.models import Finding, Scan
from scans.repositories import repository_clone
from tests.projects.factories import ProjectFactory
from tests.scans.conftest import LEAKY_CODE, PLANTED

CODE = reverse("scan-code")
TOKEN = "ghp_RepoTokenThatMustNeverLeak0123456789"
GIT = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": "/nonexistent", "PATH": "/usr/bin:/bin"}


def _git(*args: str, cwd: Path) -> None:
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    identity |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=cwd, env={**GIT, **identity}, check=True, capture_output=True)


@pytest.fixture
def bare_repository(tmp_path) -> Path:
    work, root = tmp_path / "work", tmp_path / "served"
    work.mkdir()
    root.mkdir()
    _git("init", "-q", "-b", "main", cwd=work)
    (work / "app").mkdir()
    (work / "app" / "settings.py").write_text(LEAKY_CODE)
    (work / "README.md").write_text("nothing to see\n")
    _git("add", ".", cwd=work)
    _git("commit", "-q", "-m", "first", cwd=work)
    _git("clone", "-q", "--bare", str(work), str(root / "repo.git"), cwd=tmp_path)
    return root


@pytest.fixture
def git_server(bare_repository) -> Iterator[tuple[str, list[str]]]:
    """`git http-backend` behind a small CGI bridge on 127.0.0.1; yields the URL and each request's
    Authorization header."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._cgi()

        def do_POST(self) -> None:
            self._cgi()

        def log_message(self, *args: object) -> None:
            pass

        def _cgi(self) -> None:
            seen.append(self.headers.get("Authorization", ""))
            path, _, query = self.path.partition("?")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            env = {
                **GIT,
                "GIT_PROJECT_ROOT": str(bare_repository),
                "GIT_HTTP_EXPORT_ALL": "1",
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "REQUEST_METHOD": self.command,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
                "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            }
            answer = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
            head, _, payload = answer.partition(b"\r\n\r\n")
            status, headers = 200, []
            for line in head.decode().split("\r\n"):
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/repo.git", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def argv_seen(monkeypatch) -> list[list[str]]:
    """Every command line run meanwhile (the clone's, the test server's), as the process table shows it."""
    seen: list[list[str]] = []
    real = subprocess.Popen

    def recording(command, *args, **kwargs):
        seen.append(list(command))
        return real(command, *args, **kwargs)

    monkeypatch.setattr(repositories.subprocess, "Popen", recording)
    return seen


def _scan(client, project, ref: str, capture) -> Scan:
    with capture(execute=True):
        response = client.post(CODE, {"project_id": str(project.pk), "ref": ref}, format="json")
    assert response.status_code == 202, response.content
    assert TOKEN not in response.content.decode()
    return Scan.objects.get(pk=response.json()["id"])


@pytest.mark.django_db
def test_a_ref_is_cloned_with_the_token_in_a_header_only_and_scanned(
    organization, member_client, settings, git_server, argv_seen, caplog, django_capture_on_commit_callbacks
):
    settings.ALLOW_PRIVATE_REPO_URLS = True
    url, authorizations = git_server
    project = ProjectFactory(organization=organization, repo_url=url, github_token=TOKEN)
    project.full_clean()  # an operator who allows private hosts can save this URL
    caplog.set_level(logging.DEBUG)

    scan = _scan(member_client, project, "main", django_capture_on_commit_callbacks)

    assert scan.status == Scan.Status.COMPLETED, scan.error_message
    assert (scan.input_kind, scan.input_summary) == (Scan.InputKind.REPOSITORY, {"ref": "main"})
    assert scan.details == {"files_scanned": 2, "files_skipped": 0}
    findings = Finding.objects.filter(scan=scan)
    assert "app/settings.py" in set(findings.values_list("file_path", flat=True))
    assert not any(PLANTED in finding.snippet for finding in findings)
    expected = "Basic " + base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert authorizations
    assert set(authorizations) == {expected}
    assert argv_seen
    assert not any(TOKEN in arg or expected in arg for command in argv_seen for arg in command)
    clones = [command for command in argv_seen if command[:2] == ["git", "clone"]]
    assert len(clones) == 1
    assert clones[0][-2] == url
    assert not [record for record in caplog.records if TOKEN in record.getMessage() or expected in record.getMessage()]


@pytest.mark.django_db
def test_a_commit_id_is_fetched_and_scanned_as_it_was(
    organization, member_client, settings, git_server, tmp_path, django_capture_on_commit_callbacks
):
    settings.ALLOW_PRIVATE_REPO_URLS = True
    work = tmp_path / "work"
    leaky = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, env=GIT, capture_output=True, text=True).stdout
    (work / "app" / "settings.py").write_text("GITHUB_TOKEN = os.environ['GITHUB_TOKEN']\n")
    _git("commit", "-q", "-am", "read the token from the environment", cwd=work)
    _git("push", "-q", str(tmp_path / "served" / "repo.git"), "main", cwd=work)
    project = ProjectFactory(organization=organization, repo_url=git_server[0], github_token=TOKEN)

    then = _scan(member_client, project, leaky.strip(), django_capture_on_commit_callbacks)
    now = _scan(member_client, project, "main", django_capture_on_commit_callbacks)

    assert (then.status, now.status) == (Scan.Status.COMPLETED, Scan.Status.COMPLETED), then.error_message
    assert then.input_summary == {"ref": leaky.strip()}
    assert Finding.objects.filter(scan=then, file_path="app/settings.py", category="secret").exists()
    assert not Finding.objects.filter(scan=now, file_path="app/settings.py", category="secret").exists()


@pytest.mark.django_db
def test_a_missing_ref_fails_the_scan_without_naming_the_token_or_url(
    organization, member_client, settings, git_server, caplog, django_capture_on_commit_callbacks
):
    settings.ALLOW_PRIVATE_REPO_URLS = True
    url, _ = git_server
    project = ProjectFactory(organization=organization, repo_url=url, github_token=TOKEN)
    caplog.set_level(logging.DEBUG)

    scan = _scan(member_client, project, "no-such-branch", django_capture_on_commit_callbacks)

    assert scan.status == Scan.Status.FAILED
    assert scan.error_message == "The repository could not be cloned at this ref."
    assert not [record for record in caplog.records if TOKEN in record.getMessage() or url in record.getMessage()]


@pytest.mark.django_db
def test_a_repository_over_the_size_cap_fails_the_scan(
    organization, member_client, settings, git_server, django_capture_on_commit_callbacks
):
    settings.ALLOW_PRIVATE_REPO_URLS = True
    settings.SCAN_REPO_MAX_BYTES = 10
    project = ProjectFactory(organization=organization, repo_url=git_server[0])

    scan = _scan(member_client, project, "main", django_capture_on_commit_callbacks)

    assert scan.status == Scan.Status.FAILED
    assert scan.error_message == "The repository is larger than the 10-byte limit."


@pytest.mark.django_db
def test_a_loopback_repository_is_refused_unless_the_operator_allows_it(organization, member_client, git_server):
    project = ProjectFactory(organization=organization, repo_url=git_server[0])

    response = member_client.post(CODE, {"project_id": str(project.pk), "ref": "main"}, format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "REPOSITORY_UNSAFE_HOST"
    assert not Scan.objects.exists()
    assert git_server[1] == []  # nothing was sent to it


@pytest.mark.parametrize("url", ["https://127.0.0.1/repo.git", "https://10.0.0.8/repo.git", "https://localhost/r.git"])
def test_the_clone_itself_refuses_a_private_host(tmp_path, url):
    with pytest.raises(RepositoryUnsafe):
        repository_clone(
            url=url, token="", ref="main", into=tmp_path / "tree", max_bytes=1000, timeout=5, allow_private=False
        )


@pytest.mark.django_db
def test_a_ref_for_a_project_without_a_repository_is_a_422(organization, member_client):
    project = ProjectFactory(organization=organization, repo_type=Project.RepoType.NONE, repo_url="")

    response = member_client.post(CODE, {"project_id": str(project.pk), "ref": "main"}, format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "REPOSITORY_UNAVAILABLE"
    assert not Scan.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("ref", ["--upload-pack=touch /tmp/x", "a..b", "main branch", "-b", "-" + "0" * 39])
def test_a_ref_that_git_could_read_as_an_option_is_refused(project, member_client, ref):
    response = member_client.post(CODE, {"project_id": str(project.pk), "ref": ref}, format="json")

    assert response.status_code == 422
    assert "ref" in response.json()["errors"]
