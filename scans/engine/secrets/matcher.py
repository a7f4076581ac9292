"""Which rules can match a blob: one pass of a multi-pattern database, or keywords where it is missing.

Both prefilters answer the same question, "which rules should run their full regex here?", and a
rule only ever reports matches in text that holds one of its keywords. So the Hyperscan path (every
rule's pattern in one database, in prefilter mode, scanned once over the bytes) and the pure-`re`
path (substring checks on the keywords) find exactly the same secrets; the first is just faster,
because it skips the rules whose keyword appears without anything shaped like their secret.
"""

from collections.abc import Sequence
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


class HyperscanPrefilter:
    """Every rule's regex in one Hyperscan database, in prefilter mode (a superset of its matches)."""

    name = "hyperscan"

    def __init__(self, rules: Sequence[Rule]) -> None:
        expressions, ids, flags = [], [], []
        prefilter = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY
        for index, rule in enumerate(rules):
            if _compiles(rule.pattern, prefilter):
                expressions.append(rule.pattern.encode())
                flags.append(prefilter)
                ids.append(index)
            else:
                # A construct Hyperscan refuses even as a prefilter: fall back to the rule's keywords.
                for keyword in rule.keywords:
                    expressions.append(_literal(keyword))
                    flags.append(hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH)
                    ids.append(index)
        self._database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK) if expressions else None
        if self._database is None:
            return
        self._database.compile(expressions=expressions, ids=ids, elements=len(expressions), flags=flags)
        self._scratch = hyperscan.Scratch(self._database)

    def candidates(self, data: bytes) -> set[int]:
        hits: set[int] = set()
        if self._database is None:
            return hits

        def on_match(rule_index: int, start: int, end: int, flags: int, context: object) -> None:
            hits.add(rule_index)

        self._database.scan(data, match_event_handler=on_match, scratch=self._scratch)
        return hits


def _compiles(pattern: str, flags: int) -> bool:
    try:
        hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(expressions=[pattern.encode()], flags=[flags])
    except hyperscan.error:
        return False
    return True


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
