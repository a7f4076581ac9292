"""Which files a scan reads: a walk that honours .gitignore and --exclude, and says why it left each one out.

Nothing is dropped silently: an ignored directory, a symlink out of the tree, a file over the size
limit or one that cannot be read each becomes a `Skipped` or `Failed` entry that the report lists.
"""

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pathspec

DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
BINARY_SNIFF_BYTES = 8192
_SKIPPED_DIRECTORIES = frozenset({".git", ".hg", ".svn"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to read: where it is on disk and the path findings name it by."""

    path: str
    shown: str
    size: int


@dataclass(frozen=True, slots=True)
class Skipped:
    shown: str
    reason: str


@dataclass(frozen=True, slots=True)
class Failed:
    shown: str
    message: str


Entry = Candidate | Skipped | Failed


def is_binary(head: bytes) -> bool:
    """Git's own test: a NUL byte in the first 8 KiB."""
    return b"\0" in head[:BINARY_SNIFF_BYTES]


def shown_path(path: Path, *, base: Path | None = None) -> str:
    """Relative to the working directory when under it (stable in CI and baselines), else absolute."""
    base = base or Path.cwd()
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(base).as_posix() or "."
    except ValueError:
        return absolute.as_posix()


def exclusion(globs: Sequence[str]) -> pathspec.PathSpec:
    """`--exclude` globs read as .gitignore lines: `*.min.js`, `vendor/`, `/build`, `docs/**/*.md`."""
    return pathspec.GitIgnoreSpec.from_lines(globs)


def iter_files(
    paths: Iterable[str | Path],
    *,
    exclude: Sequence[str] = (),
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    may_stream: Callable[[str], bool] | None = None,
) -> Iterator[Entry]:
    """Every file under `paths` to scan, and every one left out with the reason.

    A file named on the command line is scanned even when .gitignore covers it (the user asked for
    it); --exclude still applies. `may_stream(path)` keeps a file over the limit that the caller
    reads in pieces instead of whole (a large model archive).
    """
    walk = _Walk(exclusion(exclude), max_file_bytes, may_stream or (lambda _path: False))
    for given in paths:
        root = os.fspath(given)
        shown = shown_path(Path(root))
        if walk.excluded.match_file(shown):
            yield Skipped(shown, "excluded by --exclude")
        elif os.path.isdir(root):
            top = os.path.realpath(root)
            yield from walk.directory(root, os.path.abspath(root), shown, top, _inherited_ignores(Path(root)))
        else:
            yield walk.file(root, shown)


# Each .gitignore in force: its directory (absolute, unresolved) and its patterns.
_Ignores = tuple[tuple[str, pathspec.PathSpec], ...]


@dataclass(frozen=True, slots=True)
class _Walk:
    """The recursive walk, on plain strings: pathlib objects per file cost more than reading the file."""

    excluded: pathspec.PathSpec
    max_file_bytes: int
    may_stream: Callable[[str], bool]

    def directory(self, path: str, absolute: str, shown: str, top: str, ignores: _Ignores) -> Iterator[Entry]:
        ignores = ignores + _ignore_file(absolute)
        try:
            entries = sorted(os.scandir(path), key=lambda entry: entry.name)
        except OSError as error:
            yield Failed(shown, _reason(error))
            return
        for entry in entries:
            child = f"{shown}/{entry.name}" if shown != "." else entry.name
            child_absolute = f"{absolute.rstrip('/')}/{entry.name}"
            try:
                is_link, is_dir = entry.is_symlink(), entry.is_dir(follow_symlinks=False)
            except OSError as error:
                yield Failed(child, _reason(error))
                continue
            if is_dir and entry.name in _SKIPPED_DIRECTORIES:
                yield Skipped(child, "version-control metadata")
            elif _ignored(child_absolute, is_dir, ignores):
                yield Skipped(child, "ignored by .gitignore")
            elif self.excluded.match_file(child + "/" if is_dir else child):
                yield Skipped(child, "excluded by --exclude")
            elif is_link:
                yield self.link(entry.path, child, top)
            elif is_dir:
                yield from self.directory(entry.path, child_absolute, child, top, ignores)
            elif entry.is_file(follow_symlinks=False):
                yield self.file(entry.path, child)
            else:
                yield Skipped(child, "not a regular file")

    def link(self, path: str, shown: str, top: str) -> Entry:
        # A link is followed only to a file inside the tree: never out of it, never into a loop of directories.
        target = os.path.realpath(path)
        if not os.path.exists(target):
            return Skipped(shown, "broken symlink")
        if os.path.commonpath([target, top]) != top:
            return Skipped(shown, "symlink out of the scanned tree (not followed)")
        if os.path.isdir(target):
            return Skipped(shown, "symlink to a directory (not followed)")
        return self.file(path, shown)

    def file(self, path: str, shown: str) -> Entry:
        try:
            size = os.stat(path).st_size
        except OSError as error:
            return Failed(shown, _reason(error))
        if size > self.max_file_bytes and not self.may_stream(shown):
            return Skipped(shown, f"larger than the {_size(self.max_file_bytes)} limit ({_size(size)})")
        return Candidate(path, shown, size)


def _ignored(absolute: str, is_dir: bool, ignores: _Ignores) -> bool:
    """Git's rule: the deepest .gitignore with a matching line decides, and a `!` line re-includes."""
    verdict = None
    for base, spec in ignores:
        relative = absolute[len(base) :].lstrip("/") + ("/" if is_dir else "")
        result = spec.check_file(relative)
        if result.include is not None:
            verdict = result.include
    return bool(verdict)


def _ignore_file(directory: str) -> _Ignores:
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return ()
    return ((directory, pathspec.GitIgnoreSpec.from_lines(lines)),)


def _inherited_ignores(root: Path) -> _Ignores:
    """The .gitignore files above `root` up to its repository's top, which git would apply too."""
    start = Path(os.path.abspath(root))
    if (start / ".git").exists():
        return ()
    chain: list[Path] = []
    for ancestor in start.parents:
        chain.append(ancestor)
        if (ancestor / ".git").exists():
            break
    else:
        return ()
    ignores: _Ignores = ()
    for ancestor in reversed(chain):
        ignores += _ignore_file(str(ancestor))
    return ignores


def _reason(error: OSError) -> str:
    return f"cannot be read ({error.strerror or type(error).__name__})"


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MiB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KiB"
