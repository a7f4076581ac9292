"""Nationalities, religious and political groups (NRP), named anywhere in the text.

data/groups.txt lists them by section. A bare mention ("Slovenian food", "the Catholic church") is
NRP; a statement that a person holds a religion or a political view ("is a devout Catholic") is the
special category special.py reports, which reads its religions and parties from the same file and
wins the overlap by its higher score. Only capitalised forms count: "english" in a variable name is
not a nationality.
"""

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from .types import Span
from .windows import trie_pattern

_DATA = Path(__file__).resolve().parent / "data" / "groups.txt"
# English plurals in -s, except for forms that take none ("the French", "the Swiss").
_NO_PLURAL = ("sh", "ch", "ese", "s", "x", "party")


@cache
def sections() -> dict[str, tuple[str, ...]]:
    """Section name ("nationality", "religion", "political") to its entries."""
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = found.setdefault(line[1:-1], [])
        elif line and not line.startswith("#"):
            current.append(line)
    return {name: tuple(entries) for name, entries in found.items()}


def _forms(entry: str) -> list[str]:
    return [entry] if entry.lower().endswith(_NO_PLURAL) else [entry, entry + "s"]


@cache
def _pattern() -> re.Pattern[str]:
    words = [form for entries in sections().values() for entry in entries for form in _forms(entry)]
    # The look-ahead refuses "German" inside "Germany" or "Germanic".
    return re.compile(trie_pattern(words) + r"(?![\w'’-])")


def find_nrp(text: str) -> Iterator[Span]:
    for match in _pattern().finditer(text):
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "-_'’"):
            continue
        yield Span("NRP", start, match.end(), 0.5)
