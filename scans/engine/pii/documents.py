"""US passport and driver's licence numbers, which only the words before them tell apart.

A passport number is nine digits, or a letter and eight digits in the next-generation books; a
licence number takes one of fifty state formats, letters and digits in groups. Either shape alone
is an order number or a ticket id, so a number counts only when it follows its document's name
("passport no.", "driver's license", "DL#") with nothing but a short label between them.
"""

import re
from collections.abc import Iterator
from itertools import chain

from .types import Span
from .windows import lowered

# Matched on the lower-cased text, except "DL", which must be in capitals ("dl" is mostly "download").
_PASSPORT_CUE = re.compile(r"passport(?![\w-])")
_LICENSE_CUE = re.compile(r"driv(?:er'?s?|ers’|er’s|ing)[ \t]+licen[cs]e(?![\w-])|licen[cs]e[ \t]+(?:number|no\b|#)")
_DL_CUE = re.compile(r"DLN?(?=[\s#:.])")
# What may stand between the name and the number: "number is", "no.:", "ID #", "card".
_LABEL = r"(?:[ \t]*(?:number|num|no|id|card|is|was|:|#|\.|,|-))*[ \t]*"
_PASSPORT = re.compile(_LABEL + r"([A-Za-z]?\d{8}|\d{9})(?![\w-])")
_LICENSE = re.compile(_LABEL + r"((?=[A-Za-z\d -]*\d{3})[A-Za-z]{0,3}[ -]?\d[\d -]{3,16}\d(?:[ -]?[A-Za-z])?)(?![\w-])")


def _after(cues: Iterator[re.Match[str]], number: re.Pattern[str], lower: str) -> Iterator[tuple[int, int]]:
    """The number that follows each cue with at most a short label between them."""
    for cue in cues:
        if cue.start() and lower[cue.start() - 1].isalnum():
            continue
        found = number.match(lower, cue.end())
        if found:
            yield found.span(1)


def find_us_passport(text: str) -> Iterator[Span]:
    lower = lowered(text)
    for start, end in _after(_PASSPORT_CUE.finditer(lower), _PASSPORT, lower):
        yield Span("US_PASSPORT", start, end, 0.9)


def find_us_driver_license(text: str) -> Iterator[Span]:
    lower = lowered(text)
    cues = chain(_LICENSE_CUE.finditer(lower), _DL_CUE.finditer(text))
    for start, end in _after(cues, _LICENSE, lower):
        yield Span("US_DRIVER_LICENSE", start, end, 0.9)
