"""Which rules can match a blob: one pass of a multi-pattern database, or keywords where it is missing.

Both prefilters answer the same question, "which rules should run their full regex here?", and a
rule only ever reports matches in text that holds one of its keywords. So the Hyperscan path (every
rule's pattern in one database, in prefilter mode, scanned once over the bytes) and the pure-`re`
path (substring checks on the keywords) find exactly the same secrets; the first is just faster,
because it skips the rules whose keyword appears without anything shaped like their secret.
"""

import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Protocol

from scans.engine.secrets.rules import Rule

try:
    import hyperscan
except ImportError:  # The wheel exists for the common platforms only; the keyword path covers the rest.
    hyperscan = None


class Prefilter(Protocol):
    name: str

    def candidates(self, data: bytes) -> set[int]:
        """Indexes of the rules worth running on `data`; a superset of those that match."""
        ...


class KeywordPrefilter:
    name = "re"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._keywords = [(index, tuple(k.encode() for k in rule.keywords)) for index, rule in enumerate(rules)]

    def candidates(self, data: bytes) -> set[int]:
        lowered = data.lower()
        return {index for index, keywords in self._keywords if any(k in lowered for k in keywords)}


class ScratchPool:
    """Scratch spaces for one database, lent to one scan at a time. Scratch is a scan's working memory:
    two threads scanning with the same one at once fail with ScratchInUseError. A pool rather than one
    per thread, because an ASGI server runs each request in a new thread: per-thread scratch would be
    allocated again for every request (0.2 ms), and kept by threads that are gone."""

    def __init__(self, database: "hyperscan.Database") -> None:
        self._database = database
        self._free: list[hyperscan.Scratch] = []

    @contextmanager
    def lent(self) -> Iterator["hyperscan.Scratch"]:
        try:
            scratch = self._free.pop()  # list.pop and append are atomic: no lock needed
        except IndexError:
            scratch = hyperscan.Scratch(self._database)
        try:
            yield scratch
        finally:
            self._free.append(scratch)


class HyperscanPrefilter:
    """Every rule's regex in one Hyperscan database, in prefilter mode (a superset of its matches)."""

    name = "hyperscan"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._database = _database(rules) if rules else None
        self._scratch = ScratchPool(self._database) if self._database else None

    def candidates(self, data: bytes) -> set[int]:
        hits: set[int] = set()
        if self._database is None:
            return hits

        def on_match(rule_index: int, start: int, end: int, flags: int, context: object) -> None:
            hits.add(rule_index)

        with self._scratch.lent() as scratch:
            self._database.scan(data, match_event_handler=on_match, scratch=scratch)
        return hits


_PREFILTER_FLAGS = 0
_LITERAL_FLAGS = 0
if hyperscan is not None:
    _PREFILTER_FLAGS = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY
    _LITERAL_FLAGS = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH


def _database(rules: Sequence[Rule]) -> "hyperscan.Database":
    """The compiled database, from the cache when these exact rules were compiled before.

    Compiling a couple of hundred context patterns takes Hyperscan seconds, and the command line
    starts often; a database serialized under a hash of its inputs loads in milliseconds.
    """
    expressions = [rule.pattern.encode() for rule in rules]
    flags = [_PREFILTER_FLAGS] * len(rules)
    ids = list(range(len(rules)))
    key = hashlib.sha256(repr((hyperscan.__name__, _hyperscan_version(), expressions, flags)).encode()).hexdigest()
    cached = _cache_dir() / f"secrets-{key[:32]}.hsdb"
    database = _load(cached)
    if database is not None:
        return database
    try:
        database = _compile(expressions, ids, flags)
    except hyperscan.error:
        # Some construct Hyperscan refuses even as a prefilter: those rules fall back to their keywords.
        expressions, ids, flags = [], [], []
        for index, rule in enumerate(rules):
            if _compiles(rule.pattern):
                expressions.append(rule.pattern.encode())
                flags.append(_PREFILTER_FLAGS)
                ids.append(index)
            else:
                for keyword in rule.keywords:
                    expressions.append(_literal(keyword))
                    flags.append(_LITERAL_FLAGS)
                    ids.append(index)
        database = _compile(expressions, ids, flags)
    data = hyperscan.dumpb(database)
    _store(cached, hashlib.sha256(data).digest() + data)
    return database


def _compile(expressions: list[bytes], ids: list[int], flags: list[int]) -> "hyperscan.Database":
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=ids, elements=len(expressions), flags=flags)
    return database


def _compiles(pattern: str) -> bool:
    try:
        _compile([pattern.encode()], [0], [_PREFILTER_FLAGS])
    except hyperscan.error:
        return False
    return True


def _hyperscan_version() -> str:
    try:
        return metadata.version("hyperscan")
    except metadata.PackageNotFoundError:
        return "unknown"


def _cache_dir() -> Path:
    if os.environ.get("BASTION_CACHE_DIR"):
        return Path(os.environ["BASTION_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bastion"


def _load(path: Path) -> "hyperscan.Database | None":
    """The cached database, unless the file is missing, cut short or altered (its digest says)."""
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    digest, data = stored[:32], stored[32:]
    if hashlib.sha256(data).digest() != digest:
        return None
    try:
        return hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK)
    except hyperscan.error:
        return None


def _store(path: Path, data: bytes) -> None:
    """Best effort and atomic: a read-only home or a race between two processes only costs a compile."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, prefix=".hsdb-") as handle:
            handle.write(data)
        os.replace(handle.name, path)
    except OSError:
        return


def _literal(keyword: str) -> bytes:
    return b"".join(b"\\x%02x" % byte for byte in keyword.encode())


def best_prefilter(rules: Sequence[Rule], *, engine: str = "auto") -> Prefilter:
    """Hyperscan where the wheel is installed, unless `engine="re"` asks for the portable path."""
    if engine not in ("auto", "hyperscan", "re"):
        raise ValueError(f"unknown engine {engine!r}: use auto, hyperscan or re")
    if engine == "re" or (engine == "auto" and hyperscan is None):
        return KeywordPrefilter(rules)
    if hyperscan is None:
        raise RuntimeError("the hyperscan package is not installed; use the re engine")
    return HyperscanPrefilter(rules)
