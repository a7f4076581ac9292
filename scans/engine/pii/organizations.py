"""Organisation names, conservatively: a legal or institutional word, or a phrase about employment.

Without a language model most organisation names look like any capitalised phrase, so only two
shapes count: capitalised words ending in a corporate or institutional word ("Microbilt
Corporation", "Deutsche Bank", "Siemens AG") or starting with one and "of" ("University of Leeds"),
and the capitalised words after "works at", "employed by", "joined", "engineer at" or a form's
"Employer:" label. A name with neither ("Mayo-Walters invested …") is missed.
"""

import re
from collections.abc import Iterator

from .letters import UPPER
from .types import Span
from .windows import lowered, trie_pattern

_SUFFIXES = [
    "Inc",
    "Incorporated",
    "Ltd",
    "Limited",
    "LLC",
    "LLP",
    "PLC",
    "plc",
    "GmbH",
    "AG",
    "SA",
    "NV",
    "BV",
    "Pty",
    "Co",
    "Corp",
    "Corporation",
    "Company",
    "Group",
    "Holdings",
    "Bank",
    "Bancorp",
    "University",
    "College",
    "Hospital",
    "Clinic",
    "Foundation",
    "Institute",
    "Ministry",
    "Agency",
    "Association",
    "Society",
    "Council",
    "Trust",
    "Partners",
    "Technologies",
    "Solutions",
    "Systems",
    "Laboratories",
    "Labs",
    "Industries",
    "Enterprises",
    "Airlines",
    "Insurance",
    "Consulting",
    "Pharmaceuticals",
]
# Institutions named by what follows them: "Bank of America", "Ministry of Health".
_OF_HEADS = frozenset(["Bank", "University", "College", "Institute", "Ministry", "Society", "Council", "Agency"])
_SUFFIX_WORDS = frozenset(_SUFFIXES)
_SUFFIX = re.compile(trie_pattern(_SUFFIXES) + r"\b\.?")
_TOKEN = re.compile(rf"[{UPPER}][\w'’-]*|&")
_CONNECTORS = frozenset(["&", "and", "of", "for", "the", "de", "und"])
# Capitalised words that open sentences rather than names.
_OPENERS = frozenset(
    [
        "The",
        "A",
        "An",
        "At",
        "In",
        "On",
        "For",
        "From",
        "With",
        "By",
        "And",
        "Or",
        "But",
        "Our",
        "My",
        "Your",
        "His",
        "Her",
        "Their",
        "Its",
        "This",
        "That",
        "These",
        "Those",
        "When",
        "While",
        "After",
        "Before",
        "Since",
        "During",
        "If",
        "As",
        "To",
        "Of",
        "Yesterday",
        "Today",
        "Tomorrow",
        "Dear",
        "Hi",
        "Hello",
        "Welcome",
        "Thanks",
    ]
)
_OF_TAIL = re.compile(rf"[ \t]+of[ \t]+(?:the[ \t]+)?[{UPPER}][\w'’-]*(?:[ \t]+[{UPPER}][\w'’-]*){{0,3}}")
_CUE = re.compile(
    r"(?:works?|worked|working)[ \t]+(?:at|for)[ \t]+|employed[ \t]+(?:by|at)[ \t]+|employee[ \t]+of[ \t]+"
    r"|joined[ \t]+|(?:ceo|cfo|cto|founder|co-founder)[ \t]+(?:of|at)[ \t]+"
    r"|(?:engineer|developer|manager|analyst|consultant|intern|scientist)[ \t]+at[ \t]+"
    r"|(?:employer|company|organi[sz]ation)[ \t]*:[ \t]*"
)
_CUED_NAME = re.compile(rf"[{UPPER}][\w'’&-]*(?:[ \t]+(?:&[ \t]+)?[{UPPER}][\w'’-]*){{0,3}}")
_MAX_WORDS = 6


def _name_before(text: str, end: int) -> int | None:
    """Where the capitalised words that end at `end` begin, or None if there are none."""
    words = list(re.finditer(r"\S+", text[max(0, end - 80) : end]))
    offset = max(0, end - 80)
    begin = None
    for word in reversed(words[-_MAX_WORDS:]):
        token = word.group().rstrip(",") if begin is None else word.group()
        # Another suffix ends the name before this one: "Siemens AG and Bosch GmbH".
        if not (token in _CONNECTORS or _TOKEN.fullmatch(token)) or token.rstrip(".") in _SUFFIX_WORDS:
            break
        begin = offset + word.start()
    if begin is None:
        return None
    # Leading connectors and sentence openers are not part of the name.
    for word in re.finditer(r"\S+", text[begin:end]):
        if word.group() not in _CONNECTORS and word.group() not in _OPENERS:
            return begin + word.start()
    return None


def find_organization(text: str) -> Iterator[Span]:
    for match in _SUFFIX.finditer(text):
        start, end = match.span()
        if start and (text[start - 1].isalnum() or text[start - 1] in "-_"):
            continue
        begin = _name_before(text, start)
        tail = _OF_TAIL.match(text, end) if match.group() in _OF_HEADS else None
        if tail:
            yield Span("ORGANIZATION", start if begin is None else begin, tail.end(), 0.75)
        elif begin is not None and begin < start:
            yield Span("ORGANIZATION", begin, end, 0.75)
    lower = lowered(text)
    for cue in _CUE.finditer(lower):
        if cue.start() and lower[cue.start() - 1].isalnum():
            continue
        name = _CUED_NAME.match(text, cue.end())
        if name:
            yield Span("ORGANIZATION", name.start(), name.end(), 0.6)
