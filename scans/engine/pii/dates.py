"""Dates: a date of birth when a birth word stands just before it, any other date on request."""

import re
from collections.abc import Iterator

from .types import Span

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"(?<![\w./-])(?:"
    r"(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:\d{4}|\d{2})"  # day first
    r"|(?:0?[1-9]|1[0-2])[./-](?:0?[1-9]|[12]\d|3[01])[./-](?:\d{4}|\d{2})"  # month first
    r"|\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"  # ISO 8601
    rf"|{_DAY}[ \t]+(?:of[ \t]+)?{_MONTH},?[ \t]+\d{{4}}"
    rf"|{_MONTH}[ \t]+{_DAY},?[ \t]+\d{{4}}"
    r")(?![\w/-]|\.\d)",
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(
    r"(?i)(?:\bborn|\bd\.?o\.?b\b\.?|\bdate\s+of\s+birth|\bbirth\s*(?:date|day)|\bbirthday|\bgeboren|\bn[ée]e?\s+le)"
    r"[^\n.]{0,20}$"
)
_CUE_WINDOW = 40


def find_dates(text: str, *, with_date_time: bool) -> Iterator[Span]:
    for match in _DATE.finditer(text):
        before = text[max(0, match.start() - _CUE_WINDOW) : match.start()]
        if _BIRTH_CUE.search(before):
            yield Span("DATE_OF_BIRTH", match.start(), match.end(), 0.85)
        elif with_date_time:
            yield Span("DATE_TIME", match.start(), match.end(), 0.5)
