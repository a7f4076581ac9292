"""Places: countries anywhere, towns and regions after a preposition, any place after a residence cue.

Gazetteers (scripts/pii_places_build.py, from Faker): data/countries.txt and data/places.txt
(regions, major cities, real towns of several countries). A country name is a place on its own;
a town needs a preposition before it ("in Leeds", "from Porto"), since many are also surnames or
words. After a phrase that says someone is there ("lives in", "originally from") any capitalised
or upper-case run is a place, known or not ("ΛΕΥΚΩΣΙΑ"); after a preposition, so is a name of a
place name's shape ("Port Davidhaven", "Jamesville"). A first name that is also a country
("Georgia", "Jordan") stays a PERSON unless a preposition precedes it.
"""

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from .letters import UPPER, WORD
from .types import Span
from .windows import lowered, trie_pattern

_DATA = Path(__file__).resolve().parent / "data"
# Matched on the lower-cased text (fast), the place after it on the original.
_RESIDENCE_CUE = re.compile(
    r"\b(?:lives?\s+in|living\s+in|moved\s+to|born\s+in|originally\s+from|i'?m\s+from|i\s+am\s+from"
    r"|comes?\s+from|based\s+in|resident\s+of|i\s+am\s+in|i'?m\s+in|travell?ing\s+to|visiting)[ \t]+"
)
_RUN = re.compile(rf"(?:{WORD}|[{UPPER}]{{2,}})(?:[ \t]+(?:{WORD}|[{UPPER}]{{2,}})){{0,2}}(?!\w)")
# On the original text, starting with one character set so that re skips ahead fast (windows.py);
# the look-ahead for a capital keeps it from stopping at every "in", and the word is checked after.
_PREPOSITION = re.compile(rf"[IiFfTtAaNnVvOo][a-z]{{1,6}}[ \t]+(?:the[ \t]+)?(?=[{UPPER}])")
_PREPOSITIONS = frozenset(
    ["in", "from", "to", "at", "near", "via", "across", "around", "outside", "inside", "visit", "visited", "visiting"]
)
_WORDS = re.compile(rf"{WORD}(?:[ \t]+{WORD}){{0,3}}")
# Place names the lists do not hold still have a place name's shape: "Port Davidhaven", "Lake
# Amanda", "Jamesville", "Sheffield". After a preposition the prefixed form is a place; the suffixed
# one is a place unless the name lists claim it (many surnames end in -ford or -ton). Endings that
# end common words as well ("-port": Export, Support; "-view": Preview, Review) are left out.
_PREFIXED = re.compile(rf"(?:North|South|East|West|Lake|Port|Fort|Mount|Saint|San)[ \t]+{WORD}(?![\w'’-])")
_TOPONYM_ENDING = re.compile(
    r"(?:ville|town|ton|burg|burgh|borough|bury|chester|ford|mouth|shire|field|haven|land|stad|furt|berg"
    r"|dale|wood|ham|polis|grad)$"
)


@cache
def _gazetteer(name: str) -> frozenset[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


@cache
def _known() -> frozenset[str]:
    return _gazetteer("countries.txt") | _gazetteer("places.txt")


@cache
def _country_pattern() -> re.Pattern[str]:
    return re.compile(trie_pattern(sorted(_gazetteer("countries.txt"))) + r"(?![\w'’-])")


def _place_after(text: str, start: int) -> tuple[int, float] | None:
    """The end and score of a place name starting at `start`: the longest known one, else its shape."""
    run = _WORDS.match(text, start)
    if not run:
        return None
    words = list(re.finditer(r"\S+", run.group()))
    for count in range(len(words), 0, -1):
        end = start + words[count - 1].end()
        if text[start:end] in _known():
            return end, 0.75
    prefixed = _PREFIXED.match(text, start)
    if prefixed:
        return prefixed.end(), 0.75
    if _TOPONYM_ENDING.search(words[0].group()):
        return start + words[0].end(), 0.55
    return None


def find_location(text: str) -> Iterator[Span]:
    for cue in _RESIDENCE_CUE.finditer(lowered(text)):
        place = _RUN.match(text, cue.end())
        if place:
            yield Span("LOCATION", place.start(), place.end(), 0.65)
    for cue in _PREPOSITION.finditer(text):
        if cue.start() and text[cue.start() - 1].isalnum():
            continue
        if cue.group().split()[0].lower() not in _PREPOSITIONS:
            continue
        place = _place_after(text, cue.end())
        if place:
            yield Span("LOCATION", cue.end(), *place)
    for match in _country_pattern().finditer(text):
        if not match.start() or not (text[match.start() - 1].isalnum() or text[match.start() - 1] in "-_"):
            yield Span("LOCATION", match.start(), match.end(), 0.5)
