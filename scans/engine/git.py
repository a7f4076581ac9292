"""Git: every blob in the history scanned once, and the staged versions of files for pre-commit.

A secret committed and deleted later is still in the history, so `--git` reads every blob that
any commit introduced, once per blob id, and names the oldest commit that brought it in. Git does
the walking (`log --raw` for where each blob came from, `cat-file --batch` for the bytes), so the
repository is read in two processes whatever its size.
"""

import dataclasses
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from scans.engine.files import exclusion, shown_path
from scans.engine.findings import Finding
from scans.engine.scanner import Progress, Scanner, ScanResult

_EMPTY_MODES = ("160000",)  # a submodule's commit: not a blob of this repository


class GitError(RuntimeError):
    """Git could not answer; the message says what to check."""


@dataclass(frozen=True, slots=True)
class Origin:
    """The oldest commit that introduced a blob, and the path it had there."""

    commit: str
    author: str
    date: str
    path: str


def repository_top(path: Path) -> Path:
    return Path(_git(path, "rev-parse", "--show-toplevel").decode().strip())


def blob_origins(top: Path) -> dict[str, Origin]:
    """Each blob id in the history of every ref, mapped to the first commit that added or changed to it."""
    log = _git(
        top, "-c", "core.quotePath=false", "log", "--all", "--reverse", "--no-renames", "-m", "--root",
        "--raw", "--no-abbrev", "--format=%x00%H%x00%an <%ae>%x00%aI",
    )  # fmt: skip
    origins: dict[str, Origin] = {}
    commit = author = date = ""
    for line in log.decode("utf-8", "replace").splitlines():
        if line.startswith("\0"):
            commit, author, date = line[1:].split("\0", 2)
        elif line.startswith(":") and "\t" in line:
            meta, path = line.split("\t", 1)
            fields = meta.split()
            blob, status = fields[3], fields[4]
            if status.startswith("D") or fields[1] in _EMPTY_MODES or blob in origins:
                continue
            origins[blob] = Origin(commit, author, date, _unquote(path))
    return origins


def scan_history(
    scanner: Scanner, path: Path, *, exclude: Sequence[str] = (), progress: Progress | None = None
) -> ScanResult:
    """Findings in every blob of the repository at `path`, each carrying the commit that introduced it."""
    started = time.perf_counter()
    top = repository_top(path)
    result = ScanResult(engine=scanner.engine)
    excluded = exclusion(exclude)
    origins = {blob: origin for blob, origin in blob_origins(top).items() if not excluded.match_file(origin.path)}
    sizes = _sizes(top, list(origins))
    wanted = []
    for blob, origin in origins.items():
        if sizes.get(blob, 0) > scanner.max_file_bytes:
            result.skipped.append((f"{origin.path}@{origin.commit[:12]}", "larger than the size limit"))
        else:
            wanted.append(blob)
    seen: set[str] = set()
    for blob, data in _contents(top, wanted):
        origin = origins[blob]
        findings = scanner.analyze(origin.path, data)
        if findings is not None:
            where = {"commit": origin.commit, "author": origin.author, "date": origin.date, "blob": blob}
            findings = _first_seen(findings, seen, where)
        result.record(f"{origin.path}@{origin.commit[:12]}", len(data), findings)
        if progress is not None:
            progress(result.files_scanned, result.bytes_scanned)
    return result.finish(started)


def _first_seen(findings: list[Finding], seen: set[str], where: dict[str, str]) -> list[Finding]:
    """The findings not met in an older blob, marked with where they came from.

    The same secret in a later version of the file is the same finding: the oldest commit names it.
    """
    fresh = []
    for finding in findings:
        if finding.fingerprint not in seen:
            seen.add(finding.fingerprint)
            fresh.append(dataclasses.replace(finding, extra={**finding.extra, **where}))
    return fresh


def scan_staged(
    scanner: Scanner, path: Path, *, exclude: Sequence[str] = (), progress: Progress | None = None
) -> ScanResult:
    """Findings in the index versions of the files staged for the next commit (what pre-commit checks)."""
    started = time.perf_counter()
    top = repository_top(path)
    result = ScanResult(engine=scanner.engine)
    excluded = exclusion(exclude)
    listed = _git(top, "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR")
    names = [name for name in listed.decode("utf-8", "surrogateescape").split("\0") if name]
    staged = [name for name in names if not excluded.match_file(name)]
    result.skipped.extend((name, "excluded by --exclude") for name in names if excluded.match_file(name))
    for name, data in _contents(top, [f":{name}" for name in staged]):
        shown = shown_path(top / name[1:])
        if len(data) > scanner.max_file_bytes:
            result.skipped.append((shown, "larger than the size limit"))
            continue
        result.record(shown, len(data), scanner.analyze(shown, data))
        if progress is not None:
            progress(result.files_scanned, result.bytes_scanned)
    return result.finish(started)


def _sizes(top: Path, blobs: list[str]) -> dict[str, int]:
    out = _git(top, "cat-file", "--batch-check=%(objectname) %(objectsize)", stdin="\n".join(blobs).encode())
    sizes = {}
    for line in out.decode().splitlines():
        name, _, size = line.partition(" ")
        if size.isdigit():
            sizes[name] = int(size)
    return sizes


def _contents(top: Path, objects: list[str]) -> Iterator[tuple[str, bytes]]:
    """Each object's bytes from one `cat-file --batch`, fed from a thread so neither pipe can fill and block."""
    if not objects:
        return
    process = subprocess.Popen(  # noqa: S603 -- a fixed git command; object names go through stdin
        ["git", "-C", str(top), "cat-file", "--batch"],  # noqa: S607 -- git is found on PATH like any git tool
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )

    def feed() -> None:
        try:
            for name in objects:
                process.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
        finally:
            process.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for name in objects:
            header = process.stdout.readline().split()
            if len(header) < 3:  # "<name> missing": nothing follows
                continue
            size = int(header[2])
            data = process.stdout.read(size)
            process.stdout.read(1)
            yield name, data
    finally:
        process.stdout.close()
        process.wait()
        writer.join()


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(  # noqa: S603 -- fixed git commands; no shell
            ["git", "-C", str(cwd), *args],  # noqa: S607 -- git is found on PATH like any git tool
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed in {cwd}: {message[-1] if message else 'no message'}")
    return done.stdout


def _unquote(path: str) -> str:
    """Git quotes a path holding a quote, a backslash or a control character, C-style."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")
