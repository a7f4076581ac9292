"""A project's repository at one ref: a shallow clone into a temporary directory, bounded in time and size.

The project's token travels to git as an `http.extraHeader` in the child's environment
(GIT_CONFIG_COUNT/KEY/VALUE): never in the URL, the argv, a log line or an error. The host is
checked, resolved once, and git is pinned to that address, so DNS cannot swap in a private one.
"""

import base64
import logging
import os
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import SplitResult

from core.network import UnsafeURL, host_resolve, url_check
from scans.exceptions import RepositoryRefused, RepositoryUnsafe

logger = logging.getLogger("bastion.scans")
# Branch and tag names git accepts, without the ones an argv or a refspec could misread.
REF = re.compile(r"^(?!-)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/+-]{1,200}(?<![./])$")
# A full commit id, SHA-1 or SHA-256: fetched by id rather than cloned by name.
COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
POLL_SECONDS = 0.2


class RepositoryCloneFailed(RepositoryRefused):
    error_code = "REPOSITORY_CLONE_FAILED"
    default_detail = "The repository could not be cloned at this ref."


def _git_env(config: dict[str, str], home: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_ASKPASS": "/bin/false",
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_CONFIG_COUNT": str(len(config)),
    }
    for index, (key, value) in enumerate(config.items()):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env


def _size(root: Path) -> int:
    total = 0
    for directory, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(directory, name)).st_size
            except OSError:
                continue  # git renames files as it writes them
    return total


def repository_url_check(url: str, *, allow_private: bool) -> SplitResult:
    """A URL git may clone: https (http too for allowed private hosts), on a host not local or private
    unless allowed. Checked when the scan is asked for, and again, resolved, before the clone."""
    if not url.startswith(("https://", "http://")):
        raise RepositoryRefused()  # none, or ssh: the worker holds no keys
    try:
        return url_check(url, schemes=("https", "http") if allow_private else ("https",), allow_private=allow_private)
    except UnsafeURL:
        raise RepositoryUnsafe() from None


def repository_clone(
    *, url: str, token: str, ref: str, into: Path, max_bytes: int, timeout: float, allow_private: bool
) -> None:
    """Clone `ref` (a branch, a tag or a full commit id) of `url` at depth 1 into the empty directory
    `into`, or raise RepositoryRefused."""
    if not REF.match(ref):
        raise RepositoryCloneFailed("Give a branch or tag name, or a full commit id.")
    parts = repository_url_check(url, allow_private=allow_private)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = host_resolve(parts.hostname or "", port, allow_private=allow_private)[0]
    except UnsafeURL:
        raise RepositoryUnsafe() from None
    shown = f"[{address}]" if address.version == 6 else str(address)
    config = {
        "protocol.allow": "never",
        f"protocol.{parts.scheme}.allow": "always",
        # A redirect would take the header, and the pinned address, to a host nobody checked.
        "http.followRedirects": "false",
        "http.curloptResolve": f"{parts.hostname}:{port}:{shown}",
        # Links are checked out as small files holding their target, never followed.
        "core.symlinks": "false",
    }
    if token:
        credentials = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        config["http.extraHeader"] = f"Authorization: Basic {credentials}"
    home = into.parent / f"{into.name}-home"
    home.mkdir(mode=0o700)
    env, deadline = _git_env(config, home), time.monotonic() + timeout
    git = ["git", "-C", str(into)]
    if COMMIT.match(ref):
        # A commit has no branch to clone: fetch that one object at depth 1 into an empty repository.
        steps = {
            "init": ["git", "init", "--quiet", str(into)],
            "fetch": [*git, "fetch", "--quiet", "--depth=1", "--no-tags", "--", url, ref],
            "checkout": [*git, "-c", "advice.detachedHead=false", "checkout", "--quiet", "FETCH_HEAD"],
        }
    else:
        clone = ["git", "clone", "--quiet", "--depth=1", "--no-tags", "--single-branch", f"--branch={ref}"]
        steps = {"clone": [*clone, "--", url, str(into)]}
    for step, command in steps.items():
        _run(step, command, env=env, into=into, max_bytes=max_bytes, timeout=timeout, deadline=deadline)


def _run(
    step: str, command: list[str], *, env: dict[str, str], into: Path, max_bytes: int, timeout: float, deadline: float
) -> None:
    process = subprocess.Popen(  # noqa: S603 -- fixed argv, checked URL and ref, no shell
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while process.poll() is None:
            if time.monotonic() > deadline:
                raise RepositoryCloneFailed(f"The clone took longer than {timeout:.0f} seconds.")
            if into.exists() and _size(into) > max_bytes:
                raise RepositoryCloneFailed(f"The repository is larger than the {max_bytes}-byte limit.")
            time.sleep(POLL_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        # git's own message can name the URL; the exit code is enough to look further.
        logger.info("git %s exited with %s", step, process.returncode)
        raise RepositoryCloneFailed()
    if _size(into) > max_bytes:
        raise RepositoryCloneFailed(f"The repository is larger than the {max_bytes}-byte limit.")
