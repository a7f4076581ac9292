"""Names of people, without a language model.

spaCy's NER costs a model load and roughly a millisecond per sentence; Bastion scans repositories and
every chat message, so names are found from three cheap signals instead:

* gazetteers: about 24,000 first names and 21,000 surnames of every cased-script locale of Faker
  (MIT licence), with names that are common English words removed (scripts/pii_names_build.py);
* cues: a title (Mr, Dr, Frau …) or a phrase that introduces a name ("my name is", "Dear",
  "signed", "directed by") makes the capitalised words after it a name, known or not;
* shape: a capitalised word with a surname ending (-ova, -ski, -enko, -escu …).

One regular expression finds runs of capitalised words; only those runs are looked up, in sets.
It misses names that no list, cue or ending reveals, and takes a first name used as a place
("Paris", "Florence") for a person; docs/SCANNING.md gives the measured precision and recall.
"""

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from .letters import LOWER, UPPER, WORD
from .types import Span

_DATA = Path(__file__).resolve().parent / "data"
# It starts with a capital and checks the character before afterwards: a leading look-behind
# would make re try every position (windows.py).
_RUN = re.compile(
    rf"[{UPPER}](?<![\w'’-][{UPPER}])(?:\.[ \t]+{WORD}|(?:['’][{UPPER}])?[{LOWER}]+(?:-?[{UPPER}][{LOWER}]+)*)"
    rf"(?:[ \t]+(?:{WORD}|[{UPPER}]\.|[{UPPER}](?=[ \t]+{WORD})))*(?![\w@])"
)
# "Faina D. Yefremova", "Kate M Begum": a middle initial between two words is a name's shape.
_MIDDLE_INITIAL = re.compile(rf"{WORD}[ \t]+[{UPPER}]\.?[ \t]+{WORD}")
_TITLES = "Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle|Sra?"
_TITLE = re.compile(rf"\b(?:{_TITLES})\.?[ \t]+$")
_TITLE_WORD = re.compile(rf"(?:{_TITLES})[ \t]+")
_CUE = re.compile(
    r"(?i)(?:\bmy\s+name\s+is|\bname\s+is|\bname'?s|\b(?:full\s+)?names?\s*:|\bi\s+am|\bi'm|\bcall\s+me|\bsigned"
    r"|\bsincerely|\bregards|\bdear|\battn|\bholder|\bpatient|\bdirected\s+by|\bwritten\s+by|\bauthor"
    r"|\bcontact|\bsigned\s+by)[ \t]*[:,]?[ \t]*$"
)
_SURNAME_ENDING = re.compile(
    r"(?:ov|ova|ová|ev|eva|ski|ska|sky|ský|ská|enko|vić|vich|escu|oglu|oğlu|poulos|ishvili|idze|yan)$"
)
# Capitalised words that follow a first name without being a surname ("Jordan Street").
_NOT_SURNAME = frozenset(
    [
        "Street",
        "Road",
        "Avenue",
        "Lane",
        "Drive",
        "Court",
        "Place",
        "Square",
        "Park",
        "Bank",
        "Hospital",
        "University",
        "College",
        "School",
        "Inc",
        "Ltd",
        "LLC",
        "Corp",
        "Corporation",
        "Company",
        "Group",
        "Foundation",
        "Institute",
        "Center",
        "Centre",
        "City",
        "County",
        "Airport",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "The",
        "And",
        "Or",
    ]
)
# What is said of a person right after the name: "Tomomi Nishiyama lives at …", "Ana Soto, 34,".
_FOLLOWED_BY = re.compile(
    r"[ \t]*(?:,[ \t]*(?:aged[ \t]+)?\d{1,3}[ \t]*,|[ \t](?:lives|lived|was[ \t]+born|works[ \t]+as|worked[ \t]+as"
    r"|is[ \t]+married|married|is[ \t]+\d{1,3}[ \t]+years?[ \t]+old)\b)"
)
# Speaker labels of chat logs and scripts that are roles, not people.
_ROLES = frozenset(
    ["User", "Bot", "Assistant", "System", "Agent", "Customer", "Human", "Speaker", "Host", "Guest", "Interviewer"]
)
_LABEL = re.compile(rf"^({WORD}):[ \t]", re.MULTILINE)
_RUN_LIMIT = 4
_CUE_WINDOW = 30


@cache
def _gazetteer(name: str) -> frozenset[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \t\"'“(")
    return not before or before[-1] in ".!?\n:;"


def _speaker_label(text: str, end: int) -> bool:
    return text.startswith(":", end) and _sentence_start(text, end - 1)


def _name_tokens(
    words: list[tuple[int, int, str]], first: frozenset[str], last: frozenset[str]
) -> tuple[int, int] | None:
    """The index range of the words that form a name, by the gazetteers and surname endings."""
    for index, (_, _, word) in enumerate(words):
        if word in first:
            stop = index + 1
            while stop < len(words) and stop - index < 3 and words[stop][2] not in _NOT_SURNAME:
                stop += 1
            return index, stop
    if 2 <= len(words) <= 3 and _SURNAME_ENDING.search(words[-1][2]):
        return 0, len(words)
    return None


def _dialogue_speakers(text: str, first: frozenset[str]) -> frozenset[str]:
    """Line-opening "Name:" labels, when at least two lines have one and one is a known first name."""
    labels = {match.group(1) for match in _LABEL.finditer(text)} - _ROLES - _NOT_SURNAME
    return frozenset(labels) if len(labels) >= 2 and labels & first else frozenset()


def find_person(text: str) -> Iterator[Span]:
    first, last = _gazetteer("first_names.txt"), _gazetteer("surnames.txt")
    speakers = _dialogue_speakers(text, first) if ":" in text else frozenset()
    for match in _RUN.finditer(text):
        start, end = match.span()
        title = _TITLE_WORD.match(text, start, end)
        if title:
            start = title.end()
        before = text[max(0, start - _CUE_WINDOW) : start]
        if _TITLE.search(before) or _CUE.search(before):
            words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])][:_RUN_LIMIT]
            yield Span("PERSON", start, start + words[-1][1], 0.8)
            continue
        if _MIDDLE_INITIAL.fullmatch(text, start, end):
            yield Span("PERSON", start, end, 0.7)
            continue
        run = text[start:end]
        words = [(m.start(), m.end(), m.group()) for m in re.finditer(WORD, run)]
        if len(words) == 1 and " " not in run:
            word = words[0][2]
            mid_sentence = not _sentence_start(text, start)
            known = word in first or word in speakers
            known = known or (word in last and (mid_sentence or _speaker_label(text, end)))
            if known or (mid_sentence and _SURNAME_ENDING.search(word)):
                yield Span("PERSON", start, end, 0.6)
            continue
        found = _name_tokens(words, first, last)
        if found:
            begin, stop = found
            yield Span("PERSON", start + words[begin][0], start + words[stop - 1][1], 0.7)
        elif 2 <= len(words) <= 3 and not {w for _, _, w in words} & _NOT_SURNAME and _FOLLOWED_BY.match(text, end):
            yield Span("PERSON", start, end, 0.7)
