"""Street addresses and places, by the shapes postal addresses take.

A street line is a house number with capitalised words and a street type ("221B Baker Street"), a
street type first and the number after ("Rua do Arenque 1634", "Via Roma 12"), or a German compound
("Bundesstrasse 31"). Following lines of the same address (unit, city, state, postcode, country)
join it when a comma or a line break separates them. UK postcodes count on their own. A street
line that ends in ", Town" on one line gives the town as a LOCATION, as labelled corpora do
("Rua do Arenque 1634, Goiânia"); places elsewhere in the text are places.py's.
"""

import re
from collections.abc import Iterator

from .letters import LOWER, UPPER, WORD
from .types import Span
from .windows import windows

_SUFFIX = (
    r"(?:Streets?|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq"
    r"|Terrace|Way|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Crescent|Close|Row|Trail|Alley|Plaza|Grove"
    r"|Gardens|Mews|Walk|Loop|Pike|Expressway|Freeway)\b\.?(?:[ \t]+(?:NE|NW|SE|SW|N|S|E|W)\b)?"
)
_PREFIX = (
    r"(?:Rua|Rue|Via|Viale|Calle|Avenida|Av\.|Piazza|Strada|Ulica|ul\.|Carrer|Camino|Travessa|Largo"
    r"|Chemin|Allée|Boulevard|Bd\.?)"
)
_PARTICLE = r"(?:de|do|da|dos|das|del|della|di|la|le|les|des|du|of|the)"
_NAME = rf"(?:{WORD}|\d{{1,3}}(?:st|nd|rd|th))"
_COMPOUND = rf"[{UPPER}][{LOWER}]{{2,}}?(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer)"
_UK_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}"
# Three street shapes, each its own pattern that starts with a digit or a literal, so re can skip
# ahead (windows.py); a house number before a prefixed street is picked up afterwards.
_STREETS = (
    rf"\d{{1,6}}[A-Za-z]?(?:[ \t]+\d{{1,6}})?[ \t]+(?:(?:{_NAME}|{_PARTICLE})[ \t]+){{0,4}}{_SUFFIX}",
    rf"{_PREFIX}[ \t]+(?:{_PARTICLE}[ \t]+)?{WORD}(?:[ \t]+(?:{_PARTICLE}|{WORD})){{0,3}},?[ \t]+\d{{1,5}}[A-Za-z]?\b",
)
_COMPOUND_ANCHOR = re.compile(r"(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer)[ \t]+\d")
_HOUSE_NUMBER_BEFORE = re.compile(r"\d{1,6}[ \t]+$")
_UNIT = r"(?:Suite|Ste|Apt|Apartment|Unit|Flat|Floor|Fl|Room|Rm|Building|Bldg|#)\.?[ \t]*[\w-]{1,6}"
_TOWN = rf"(?:{WORD}|[{UPPER}]{{2,}})(?:[ \t]+(?:{WORD}|[{UPPER}]{{2,}})){{0,3}}"
_CITY = rf"{_TOWN}(?:,?[ \t]+[A-Z]{{2}})?(?:[ \t]+(?:\d{{4,5}}(?:-\d{{4}})?|{_UK_POSTCODE}))?"
# Unit, city (with state and ZIP, or a UK postcode), "10115 Berlin", "DC 20500" or a bare number.
_TAIL_PART = (
    rf"(?:{_UNIT}|{_UK_POSTCODE}|{_CITY}|\d{{4,5}}[ \t]+{_TOWN}"
    rf"|[A-Z]{{2}}[ \t]+\d{{5}}(?:-\d{{4}})?|\d{{1,5}}(?:-\d{{4}})?)"
)
_TAIL = rf"(?:[ \t]*(?:,[ \t]*\n?|\n)[ \t\n,]*{_TAIL_PART}(?![\w-])){{0,4}}(?:[ \t]+{_UNIT})?"
_ADDRESSES = tuple(re.compile(street + _TAIL) for street in _STREETS)
_COMPOUND_ADDRESS = re.compile(rf"{_COMPOUND}[ \t]+\d{{1,5}}[a-z]?\b{_TAIL}")
_POSTCODE = re.compile(r"[A-Z](?<![\w-][A-Z])[A-Z]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}(?![\w-])")
# "Rua do Arenque 1634, Goiânia": a town alone after the street, with no postcode or state.
_LAST_TOWN = re.compile(rf",[ \t]*({WORD}(?:[ \t]+{WORD}){{0,2}})$")


def _street_matches(text: str) -> Iterator[re.Match[str]]:
    for pattern in _ADDRESSES:
        yield from pattern.finditer(text)
    for low, high in windows(text, _COMPOUND_ANCHOR, before=40, after=200):
        yield from _COMPOUND_ADDRESS.finditer(text, low, high)


def find_address(text: str) -> Iterator[Span]:
    for match in _street_matches(text):
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "-"):
            continue
        number = _HOUSE_NUMBER_BEFORE.search(text, max(0, start - 8), start)
        end = match.end()
        town = _LAST_TOWN.search(text, start, end) if "\n" not in match.group() else None
        if town:
            yield Span("LOCATION", town.start(1), end, 0.7)
            end = town.start()
        yield Span("ADDRESS", number.start() if number else start, end, 0.7)
    for match in _POSTCODE.finditer(text):
        yield Span("ADDRESS", match.start(), match.end(), 0.55)
