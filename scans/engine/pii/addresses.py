"""Street addresses and places, by the shapes postal addresses take.

A street line is a house number with capitalised words and a street type ("221B Baker Street"), a
street type first and the number after ("Rua do Arenque 1634", "Via Roma 12"), or a German compound
("Bundesstrasse 31"). Following lines of the same address (unit, city, state, postcode, country)
join it when a comma or a line break separates them. UK postcodes count on their own; a place is
reported only after a phrase that says someone is there ("lives in", "originally from").
"""

import re
from collections.abc import Iterator

from .letters import LOWER, UPPER, WORD
from .types import Span

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
_COMPOUND = rf"[{UPPER}][{LOWER}]{{2,}}(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer)"
_UK_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}"
_STREET = (
    rf"(?:\d{{1,6}}[A-Za-z]?(?:[ \t]+\d{{1,6}})?[ \t]+(?:(?:{_NAME}|{_PARTICLE})[ \t]+){{0,4}}{_SUFFIX}"
    rf"|(?:\d{{1,6}}[ \t]+)?{_PREFIX}[ \t]+(?:{_PARTICLE}[ \t]+)?{WORD}(?:[ \t]+(?:{_PARTICLE}|{WORD})){{0,3}},?[ \t]+\d{{1,5}}[A-Za-z]?\b"
    rf"|(?:{WORD}[ \t]+){{0,2}}{_COMPOUND}[ \t]+\d{{1,5}}[a-z]?\b)"
)
_UNIT = r"(?:Suite|Ste|Apt|Apartment|Unit|Flat|Floor|Fl|Room|Rm|Building|Bldg|#)\.?[ \t]*[\w-]{1,6}"
_TOWN = rf"(?:{WORD}|[{UPPER}]{{2,}})(?:[ \t]+(?:{WORD}|[{UPPER}]{{2,}})){{0,3}}"
_CITY = rf"{_TOWN}(?:,?[ \t]+[A-Z]{{2}})?(?:[ \t]+(?:\d{{4,5}}(?:-\d{{4}})?|{_UK_POSTCODE}))?"
# Unit, city (with state and ZIP, or a UK postcode), "10115 Berlin", "DC 20500" or a bare number.
_TAIL_PART = (
    rf"(?:{_UNIT}|{_UK_POSTCODE}|{_CITY}|\d{{4,5}}[ \t]+{_TOWN}|[A-Z]{{2}}[ \t]+\d{{5}}(?:-\d{{4}})?|\d{{1,5}}(?:-\d{{4}})?)"
)
_ADDRESS = re.compile(
    rf"(?<![\w-]){_STREET}(?:[ \t]*(?:,[ \t]*\n?|\n)[ \t\n,]*{_TAIL_PART}(?![\w-])){{0,4}}"
    rf"(?:[ \t]+{_UNIT})?"
)
_POSTCODE = re.compile(rf"(?<![\w-]){_UK_POSTCODE}(?![\w-])")
_PLACE_CUE = re.compile(
    r"(?i:\blives?\s+in|\bliving\s+in|\bmoved\s+to|\bborn\s+in|\boriginally\s+from|\bi'?m\s+from|\bi\s+am\s+from"
    r"|\bcomes?\s+from|\bbased\s+in|\bresident\s+of|\bi\s+am\s+in|\bi'?m\s+in|\btravell?ing\s+to|\bvisiting)"
    rf"[ \t]+(?P<place>(?:{WORD}|[{UPPER}]{{2,}})(?:[ \t]+(?:{WORD}|[{UPPER}]{{2,}})){{0,2}})(?![\w])"
)


def find_address(text: str) -> Iterator[Span]:
    for match in _ADDRESS.finditer(text):
        yield Span("ADDRESS", match.start(), match.end(), 0.7)
    for match in _POSTCODE.finditer(text):
        yield Span("ADDRESS", match.start(), match.end(), 0.55)


def find_location(text: str) -> Iterator[Span]:
    for match in _PLACE_CUE.finditer(text):
        yield Span("LOCATION", match.start("place"), match.end("place"), 0.5)
