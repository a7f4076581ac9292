"""Structure checks for formats that carry one: a checksum, a decodable header, a fixed alphabet.

A strict validator's failure means the value is not of that format at all, so nothing is reported.
A lenient one's failure only lowers the confidence: a token whose checksum fails may still be real.
"""

import base64
import binascii
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class Validator:
    passes: Callable[[str], bool]
    strict: bool


def _base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, 62)
        digits = _BASE62[remainder] + digits
    return digits.rjust(width, "0")


def github_checksum(token: str) -> bool:
    """GitHub's new tokens end in six base62 digits of the CRC32 of everything before them."""
    prefix, _, rest = token.partition("_")
    if not rest or len(rest) < 7:
        return False
    body, checksum = rest[:-6], rest[-6:]
    return _base62(zlib.crc32(body.encode()), 6) == checksum


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def jwt_structure(token: str) -> bool:
    """Three base64url parts whose first two decode to JSON objects, the header naming an algorithm."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    try:
        header = json.loads(_b64decode(parts[0]))
        payload = json.loads(_b64decode(parts[1]))
    except (ValueError, binascii.Error):
        return False
    return isinstance(header, dict) and "alg" in header and isinstance(payload, dict)


def pypi_macaroon(token: str) -> bool:
    """`pypi-` then a base64url macaroon whose decoded bytes name pypi.org as the location."""
    body = token.removeprefix("pypi-")
    try:
        raw = _b64decode(body)
    except (ValueError, binascii.Error):
        return False
    return b"pypi.org" in raw[:64]


_AWS_KEY_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA", "AROA", "ASCA")
_AWS_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def aws_key_id(key_id: str) -> bool:
    """A known four-letter prefix, then sixteen characters of AWS's base32 alphabet (no 0, 1, 8, 9)."""
    return len(key_id) == 20 and key_id[:4] in _AWS_KEY_PREFIXES and set(key_id[4:]) <= _AWS_ALPHABET


def luhn(digits: str) -> bool:
    numbers = [int(c) for c in digits if c.isdigit()]
    if len(numbers) < 2:
        return False
    total = 0
    for index, number in enumerate(reversed(numbers)):
        if index % 2:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


VALIDATORS: dict[str, Validator] = {
    "github_checksum": Validator(github_checksum, strict=False),
    "jwt": Validator(jwt_structure, strict=True),
    "pypi_macaroon": Validator(pypi_macaroon, strict=True),
    "aws_key_id": Validator(aws_key_id, strict=True),
    "luhn": Validator(luhn, strict=True),
}
