"""Character classes for cased scripts (Latin, Greek, Cyrillic), which Python's re lacks."""

import re


def _char_class(test: str) -> str:
    # Letterlike symbols too: text copied from some sources spells Ω with the ohm sign (U+2126).
    codes = [*range(0x41, 0x530), *range(0x2100, 0x2150)]
    chars = [chr(code) for code in codes if getattr(chr(code), test)()]
    ranges: list[str] = []
    start = previous = chars[0]
    for char in chars[1:] + ["\0"]:
        if ord(char) != ord(previous) + 1:
            ranges.append(re.escape(start) if start == previous else f"{re.escape(start)}-{re.escape(previous)}")
            start = char
        previous = char
    return "".join(ranges)


UPPER = _char_class("isupper")
LOWER = _char_class("islower")
# A capitalised word: "Anna", "O'Brien", "McDonald", "Mayo-Walters", "Šárka".
WORD = rf"(?:[{UPPER}]['’])?[{UPPER}][{LOWER}]+(?:-?[{UPPER}][{LOWER}]+)*"
