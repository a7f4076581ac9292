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
    """The mod-10 check digit of card numbers and of the vendors' identifiers that borrowed it."""
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


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for bit, constant in enumerate(generator):
            if top >> bit & 1:
                check ^= constant
    return check


def bech32(text: str) -> bool:
    """BIP-173 Bech32: a human-readable part, `1`, then data ending in a six-character checksum.

    age secret keys are Bech32 under the part `age-secret-key-`, so a typo or a made-up key fails.
    """
    lowered = text.lower()
    hrp, separator, data = lowered.rpartition("1")
    if not hrp or not separator or len(data) < 6 or any(c not in _BECH32 for c in data):
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    return _bech32_polymod(expanded + [_BECH32.index(c) for c in data]) == 1


def _b64decode_standard(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def pem_private_key_base64(text: str) -> bool:
    """Base64 that decodes to a PEM private key, not to the certificates and public keys kubeconfigs also carry."""
    try:
        head = _b64decode_standard(text[: len(text) - len(text) % 4])[:80]
    except (ValueError, binascii.Error):
        return False
    return head.startswith(b"-----BEGIN ") and b"PRIVATE KEY-----" in head


def basic_credentials(text: str) -> bool:
    """An HTTP Basic value: base64 of printable `user:password` with a non-empty password."""
    try:
        decoded = _b64decode_standard(text).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    user, colon, password = decoded.partition(":")
    return bool(colon and password) and decoded.isprintable()


VALIDATORS: dict[str, Validator] = {
    "github_checksum": Validator(github_checksum, strict=False),
    "jwt": Validator(jwt_structure, strict=True),
    "pypi_macaroon": Validator(pypi_macaroon, strict=True),
    "aws_key_id": Validator(aws_key_id, strict=True),
    "luhn": Validator(luhn, strict=True),
    "bech32": Validator(bech32, strict=False),
    "pem_private_key_base64": Validator(pem_private_key_base64, strict=True),
    "basic_credentials": Validator(basic_credentials, strict=True),
}
