"""Speed: run a costly pattern only around the rare anchors that every match contains.

Python's re skips ahead fast only when a pattern starts with a literal or a character set; a
pattern that starts with a look-behind, an alternation under IGNORECASE, or a common word ("is")
is tried at every position. Such patterns run here on small windows around a cheap anchor instead.
"""

import re
from collections.abc import Iterator


def windows(text: str, anchor: re.Pattern[str], *, before: int, after: int) -> Iterator[tuple[int, int]]:
    """Merged (start, end) ranges reaching `before` characters ahead of and `after` past each anchor."""
    current: tuple[int, int] | None = None
    for match in anchor.finditer(text):
        low, high = max(0, match.start() - before), min(len(text), match.end() + after)
        if current and low <= current[1]:
            current = (current[0], high)
            continue
        if current:
            yield current
        current = (low, high)
    if current:
        yield current


def lowered(text: str) -> str:
    """The text in lower case with the same offsets, so lexicons can match case-sensitively (fast)."""
    lower = text.lower()
    # A few characters change length in lower case ("İ"); ASCII-lowering keeps offsets for those texts.
    return lower if len(lower) == len(text) else text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def trie_pattern(words: list[str]) -> str:
    """One regex for many literal words, factored by shared prefixes ("ca(?:ncer|tholic)").

    re tries the branches of an alternation one by one at every position; factored, it compares a
    character against one branch per first letter instead of one per word.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict[str, dict]) -> str:
    ends = "" in node
    branches = [re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if ends else body
