"""The views of a prompt that rules and the classifier read, each mapped back to the original text.

Attackers hide instructions from naive matching with compatibility forms (full-width letters),
lookalike letters from other scripts, invisible characters and leetspeak. A prompt is normalised once:
NFKC, casefold, invisible format characters removed (Unicode tag characters, used to smuggle ASCII,
are turned back into the ASCII they stand for) and Cyrillic/Greek lookalikes folded to Latin. The
leetspeak view is the same text with digits and symbols read as letters; it keeps the same length,
so both views share one offset map.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Lowercase only: folding runs after casefold. Letters chosen because they render like Latin ones in
# common fonts, which is what makes them useful to dodge a filter.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ɑ": "a", "ı": "i",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y", "μ": "u",
    }
)  # fmt: skip
_LEET = str.maketrans(
    {"1": "i", "3": "e", "0": "o", "4": "a", "5": "s", "7": "t", "9": "g", "8": "b", "@": "a", "$": "s"}
)
# Leetspeak is a digit or symbol standing inside a word; "2021" or "gpt-4" alone is not read as letters.
_LEET_IN_WORD = re.compile(r"[a-z][01345789@$]|[01345789@$][a-z]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_TAG_FIRST, _TAG_LAST = 0xE0020, 0xE007E


@dataclass(frozen=True, slots=True)
class Views:
    raw: str
    plain: str
    leet: str
    # origin[i] is the index in `raw` of the character that produced plain[i]; None when the
    # text was ASCII and the views line up with it one to one.
    origin: tuple[int, ...] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span for a span of the plain or leetspeak view."""
        if self.origin is None or start >= end:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=8192)
def _fold(char: str) -> str:
    code = ord(char)
    if _TAG_FIRST <= code <= _TAG_LAST:
        return chr(code - 0xE0000).lower()
    if unicodedata.category(char) == "Cf":
        return ""
    return unicodedata.normalize("NFKC", char).casefold().translate(_CONFUSABLES)


def _leet(plain: str) -> str:
    return plain.translate(_LEET) if _LEET_IN_WORD.search(plain) else plain


def normalise(text: str) -> Views:
    if text.isascii():
        plain = text.lower()
        return Views(raw=text, plain=plain, leet=_leet(plain), origin=None)
    pieces: list[str] = []
    origin: list[int] = []
    done = 0
    for run in _NON_ASCII.finditer(text):
        pieces.append(text[done : run.start()].lower())
        origin.extend(range(done, run.start()))
        for index in range(run.start(), run.end()):
            folded = _fold(text[index])
            pieces.append(folded)
            origin.extend([index] * len(folded))
        done = run.end()
    pieces.append(text[done:].lower())
    origin.extend(range(done, len(text)))
    plain = "".join(pieces)
    return Views(raw=text, plain=plain, leet=_leet(plain), origin=tuple(origin))
