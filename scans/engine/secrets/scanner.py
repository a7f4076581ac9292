"""The secret scanner: prefilter once over the bytes, then full regexes where it hit, then the generic pass."""

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from scans.engine.findings import Category, Confidence, Finding, Severity, fingerprint, mask, masked_line
from scans.engine.secrets.generic import GenericRule, NameWords, find_generic
from scans.engine.secrets.matcher import best_prefilter
from scans.engine.secrets.rules import Candidate, Rule, load_rules

_Kept = tuple["Rule | GenericRule", str, Confidence]


@dataclass(frozen=True, slots=True)
class SecretSpan:
    start: int
    end: int
    rule_id: str
    severity: Severity


class SecretScanner:
    def __init__(self, rules: Sequence[Rule] | None = None, *, engine: str = "auto", generic: bool = True) -> None:
        self.rules = list(load_rules() if rules is None else rules)
        self.generic = generic
        self._prefilter = best_prefilter(self.rules, engine=engine)
        self._name_words = NameWords(engine=self._prefilter.name) if generic else None

    @property
    def engine(self) -> str:
        return self._prefilter.name

    def scan(self, path: str, text: str) -> list[Finding]:
        return self.scan_bytes(path, text.encode("utf-8", "surrogatepass"), text=text)

    def scan_bytes(self, path: str, data: bytes, *, text: str | None = None) -> list[Finding]:
        """Findings in one file's bytes; most files end after the prefilter, without being decoded."""
        found = self._found(path, data, text)
        if not found:
            return []
        text = data.decode("utf-8", "replace") if text is None else text
        lines = _LineIndex(text)
        # Each snippet masks every secret found on its line, so one finding never shows another's value.
        by_line: dict[int, list[str]] = {}
        for (start, _), (_, value, _) in found:
            by_line.setdefault(lines.row(start), []).append(value)
        return [
            _finding(rule, value, confidence, start, path, lines, by_line[lines.row(start)])
            for (start, _), (rule, value, confidence) in found
        ]

    def spans(self, text: str, *, path: str = "message.txt") -> list[SecretSpan]:
        """Where each secret in `text` is, for a caller that replaces them (the gateway's redaction)."""
        found = self._found(path, text.encode("utf-8", "surrogatepass"), text)
        return [SecretSpan(start, end, rule.id, rule.severity) for (start, end), (rule, _, _) in found]

    def _found(self, path: str, data: bytes, text: str | None) -> list[tuple[tuple[int, int], _Kept]]:
        hits = self._prefilter.candidates(data)
        words = self._name_words.present(data) if self._name_words is not None else []
        if not hits and not words:
            return []
        if text is None:
            text = data.decode("utf-8", "replace")
        lowered = text.lower()
        best: dict[tuple[int, int], _Kept] = {}
        for index in sorted(hits):
            rule = self.rules[index]
            if not any(keyword in lowered for keyword in rule.keywords):
                continue
            for candidate in rule.secrets_in(text):
                span = candidate.match.span(1)
                kept = best.get(span)
                if kept is None or _preferred(rule, candidate, kept[0], kept[2]):
                    best[span] = (rule, candidate.value, candidate.confidence)
        if words:
            # A value a provider rule already named is reported once, under that rule's name.
            claimed = _Claimed(sorted(best))
            for found in find_generic(path, text, lowered, words):
                if not claimed.overlaps(found.start, found.end):
                    best.setdefault((found.start, found.end), (found.rule, found.value, found.confidence))
        return sorted(best.items(), key=lambda item: item[0])


class _Claimed:
    """Spans sorted by start, with the furthest end so far, so an overlap check is one bisection."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._spans = spans
        self._furthest: list[int] = []
        furthest = -1
        for _, end in spans:
            furthest = max(furthest, end)
            self._furthest.append(furthest)

    def overlaps(self, start: int, end: int) -> bool:
        # Only spans starting before `end` can overlap; of those, the furthest end decides.
        before = bisect.bisect_left(self._spans, (end, end))
        return before > 0 and self._furthest[before - 1] > start


def _preferred(rule: Rule, candidate: Candidate, kept_rule: Rule | GenericRule, kept: Confidence) -> bool:
    """Where two rules claim the same value, the surer and then the graver one names it."""
    return (candidate.confidence.rank, rule.severity.rank) > (kept.rank, kept_rule.severity.rank)


class _LineIndex:
    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0]
        position = text.find("\n")
        while position != -1:
            self._starts.append(position + 1)
            position = text.find("\n", position + 1)

    def row(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) - 1

    def locate(self, offset: int) -> tuple[int, int, str]:
        """1-based line and column of an offset, and that line's text."""
        row = self.row(offset)
        start = self._starts[row]
        end = self.text.find("\n", start)
        return row + 1, offset - start + 1, self.text[start : end if end != -1 else len(self.text)]


def _finding(
    rule: Rule | GenericRule,
    value: str,
    confidence: Confidence,
    start: int,
    path: str,
    lines: _LineIndex,
    values: list[str],
) -> Finding:
    line, column, text = lines.locate(start)
    # A multi-line secret (a PEM block) starts on this line; masking its first line covers what is shown.
    snippet = masked_line(text, value.split("\n", 1)[0])
    for other in values:
        first = other.split("\n", 1)[0]
        if first and first != value and first in snippet:
            snippet = snippet.replace(first, mask(first))
    return Finding(
        rule_id=rule.id,
        category=Category.SECRET,
        severity=rule.severity,
        confidence=confidence,
        title=rule.name,
        description=rule.description,
        remediation=rule.remediation,
        path=path,
        line=line,
        column=column,
        snippet=snippet,
        fingerprint=fingerprint(rule_id=rule.id, value=value, path=path),
    )
