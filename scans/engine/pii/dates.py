"""Dates: a date of birth when a birth word stands just before it, any other date on request."""

import re
from collections.abc import Iterator

from .types import Span
from .windows import lowered, windows

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
_CUE_ANCHOR = re.compile(r"born|d\.?o\.?b|birth|geboren|n[ée]e?\s+le")
_CUE_WINDOW = 40


def _is_birth_date(text: str, start: int) -> bool:
    return _BIRTH_CUE.search(text[max(0, start - _CUE_WINDOW) : start]) is not None


def find_dates(text: str, *, with_date_time: bool) -> Iterator[Span]:
    """Dates of birth; every other date too when `with_date_time`."""
    if with_date_time:
        for match in _DATE.finditer(text):
            birth = _is_birth_date(text, match.start())
            yield Span("DATE_OF_BIRTH" if birth else "DATE_TIME", match.start(), match.end(), 0.85 if birth else 0.5)
        return
    # Without DATE_TIME only dates just after a birth word matter, and those words are rare.
    for low, high in windows(lowered(text), _CUE_ANCHOR, before=0, after=_CUE_WINDOW + 30):
        for match in _DATE.finditer(text, low, high):
            if _is_birth_date(text, match.start()):
                yield Span("DATE_OF_BIRTH", match.start(), match.end(), 0.85)
