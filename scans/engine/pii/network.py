"""Contact and online identifiers: e-mail, phone, IP and MAC addresses, crypto wallets."""

import hashlib
import ipaddress
import re
from collections.abc import Iterator

import phonenumbers

from .types import Span
from .windows import windows

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{1,62}(?![\w-])"
)
_EMAIL_AT = re.compile("@")
# Patterns start with a character set and check the character before it afterwards (windows.py).
_IPV4 = re.compile(r"\d(?<![\w.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![\w.]|\.\d)")
_IPV6 = re.compile(r"[0-9A-Fa-f:](?<![\w:.][0-9A-Fa-f:])[0-9A-Fa-f]{0,3}:[0-9A-Fa-f:]{1,37}(?![\w:])")
_MAC = re.compile(
    r"[0-9A-Fa-f](?<![\w:-][0-9A-Fa-f])(?:[0-9A-Fa-f]([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
    r"|[0-9A-Fa-f]{3}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:-])"
)
_BTC_BASE58 = re.compile(r"[13](?<!\w[13])[1-9A-HJ-NP-Za-km-z]{25,34}(?!\w)")
_BTC_BECH32 = re.compile(r"bc1(?<!\wbc1)[02-9ac-hj-np-z]{8,87}(?!\w)")
_ETH = re.compile(r"0x(?<!\w0x)[0-9a-fA-F]{40}(?!\w)")
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONSTANTS = (1, 0x2BC830A3)  # bech32 (BIP 173) and bech32m (BIP 350)

# A phone number is a run of digits with the usual separators; only such runs reach phonenumbers,
# whose matcher is far too slow to run over whole documents.
_PHONE_CANDIDATE = re.compile(r"[+(\d](?<![\w+][+(\d])(?:[\d().\-/]|[ \t](?=[\d(]))+")
_PHONE_MIN_DIGITS = 7
# Regions whose national formats are tried for numbers written without a "+" country code.
# Brazil's and India's plans accept most ten-digit runs, so they stay out: their numbers count with "+".
PHONE_REGIONS = ("US", "GB", "DE", "FR", "IL")
# Three, two and four digits is how SSNs are written, and German numbering would accept them.
_SSN_LAYOUT = re.compile(r"\d{3}[- ]\d{2}[- ]\d{4}")


def find_email(text: str) -> Iterator[Span]:
    # The local part is at most 64 characters, the domain at most 255.
    for low, high in windows(text, _EMAIL_AT, before=64, after=255):
        for match in _EMAIL.finditer(text, low, high):
            yield Span("EMAIL", match.start(), match.end(), 0.95)


def find_ip(text: str) -> Iterator[Span]:
    for match in _IPV4.finditer(text):
        try:
            ipaddress.IPv4Address(match.group())
        except ValueError:
            continue
        yield Span("IP_ADDRESS", match.start(), match.end(), 0.8)
    if "::" not in text and text.count(":") < 7:
        return
    for match in _IPV6.finditer(text):
        if match.group().count(":") < 2 or len(match.group()) < 3:
            continue
        try:
            ipaddress.IPv6Address(match.group())
        except ValueError:
            continue
        yield Span("IP_ADDRESS", match.start(), match.end(), 0.8)


def find_mac(text: str) -> Iterator[Span]:
    for match in _MAC.finditer(text):
        yield Span("MAC_ADDRESS", match.start(), match.end(), 0.85)


def _base58check_valid(value: str) -> bool:
    number = 0
    for char in value:
        number = number * 58 + _BASE58.index(char)
    leading_zeros = len(value) - len(value.lstrip("1"))
    raw = b"\0" * leading_zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")
    if len(raw) != 25:
        return False
    checksum = hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4]
    return raw[0] in (0, 5) and checksum == raw[-4:]


def _bech32_valid(value: str) -> bool:
    hrp, data = value[:2], [_BECH32.index(char) for char in value[3:]]
    values = [ord(char) >> 5 for char in hrp] + [0] + [ord(char) & 31 for char in hrp] + data
    checksum = 1
    for item in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ item
        for bit, generator in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum in _BECH32_CONSTANTS


def find_crypto(text: str) -> Iterator[Span]:
    for match in _BTC_BASE58.finditer(text):
        if _base58check_valid(match.group()):
            yield Span("CRYPTO_WALLET", match.start(), match.end(), 0.9)
    for match in _BTC_BECH32.finditer(text):
        if _bech32_valid(match.group()):
            yield Span("CRYPTO_WALLET", match.start(), match.end(), 0.9)
    for match in _ETH.finditer(text):
        yield Span("CRYPTO_WALLET", match.start(), match.end(), 0.7)


def _phone_matches(window: str, offset: int) -> Iterator[Span]:
    regions = PHONE_REGIONS if not window.startswith("+") else PHONE_REGIONS[:1]
    for region in regions:
        matches = list(phonenumbers.PhoneNumberMatcher(window, region, leniency=phonenumbers.Leniency.VALID))
        if matches:
            for found in matches:
                yield Span("PHONE", offset + found.start, offset + found.end, 0.75)
            return


def find_phone(text: str) -> Iterator[Span]:
    for match in _PHONE_CANDIDATE.finditer(text):
        candidate = match.group().rstrip(" \t.-/(")
        if sum(char.isdigit() for char in candidate) >= _PHONE_MIN_DIGITS and not _SSN_LAYOUT.fullmatch(candidate):
            yield from _phone_matches(candidate, match.start())
