"""Identifiers that carry a checksum or a strict structure: national, medical and payment numbers.

Every candidate is validated (python-stdnum where it knows the scheme, the published algorithm
otherwise), so a number that only looks right is not reported.
"""

import re
from collections.abc import Iterator

from stdnum import iban, luhn
from stdnum.eu import vat
from stdnum.gb import nhs
from stdnum.us import itin, ssn

from .types import Span

# Patterns start with a character set and check the character before it afterwards: Python's re
# skips ahead fast only over a leading set (see windows.py).
_SSN = re.compile(r"\d(?<![\w-]\d)\d{2}[- ]?\d{2}[- ]?\d{4}(?![\w-])")
_SSN_CONTEXT = re.compile(r"(?i)\b(?:ssn|social\s+security|itin|taxpayer|tax\s+id)\b")
_NINO = re.compile(r"[A-CEGHJ-PR-TW-Z](?<!\w[A-Z])[A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?!\w)")
_NINO_UNUSED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
# Medicare Beneficiary Identifier: CMS's layout, letters S, L, O, I, B and Z never used.
_MBI_ALPHA = "AC-HJKMNP-RT-Y"
_MBI = re.compile(
    rf"[1-9](?<![\w-]\d)[{_MBI_ALPHA}][{_MBI_ALPHA}0-9]\d-?[{_MBI_ALPHA}][{_MBI_ALPHA}0-9]\d-?"
    rf"[{_MBI_ALPHA}]{{2}}\d{{2}}(?![\w-])"
)
_TEN_DIGITS = re.compile(r"\d(?<![\w-]\d)(?:\d{2}[- ]\d{3}[- ]\d{4}|\d{9})(?![\w-])")
_NPI_CONTEXT = re.compile(r"(?i)\b(?:npi|provider|prescriber|physician|practitioner|clinician)\b")
_NHS_CONTEXT = re.compile(r"(?i)\bnhs\b")
_KVNR = re.compile(r"[A-Z](?<!\w[A-Z])\d{9}(?!\w)")
_IBAN = re.compile(r"[A-Za-z](?<!\w[A-Za-z])[A-Za-z]\d{2}(?:[ -]?[A-Za-z0-9]{4})*(?:[ -]?[A-Za-z0-9]{1,4})?(?!\w)")
_VAT_PREFIXED = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z] ?[0-9A-Z](?:[0-9A-Z.]| (?=\d)){6,13}[0-9A-Z](?!\w)")
_VAT_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "XI",
    ]
)
_VAT_CONTEXT = re.compile(
    r"(?:VAT|USt-?IdNr\.?|TVA|IVA|BTW|MwSt)\b[\w .:#-]{0,20}?(?<!\w)([0-9][0-9 .]{6,14}[0-9])(?!\w)"
)
_CARD = re.compile(r"\d(?<![\w.-]\d)(?:[ -]?\d){11,18}(?![\w-])")
_SEPARATORS = str.maketrans("", "", " -.")
_CONTEXT_WINDOW = 40


def _context(text: str, start: int, pattern: re.Pattern[str]) -> bool:
    return pattern.search(text, max(0, start - _CONTEXT_WINDOW), start) is not None


def find_us_ids(text: str) -> Iterator[Span]:
    """SSNs and ITINs: a nine-digit number counts when it is grouped or named, and valid."""
    for match in _SSN.finditer(text):
        raw = match.group()
        digits = raw.translate(_SEPARATORS)
        # Nine bare digits are mostly order numbers and ids; they need the word next to them.
        if digits == raw and not _context(text, match.start(), _SSN_CONTEXT):
            continue
        if digits[0] == "9":
            if itin.is_valid(digits):
                yield Span("US_ITIN", match.start(), match.end(), 0.85)
        elif ssn.is_valid(digits):
            yield Span("US_SSN", match.start(), match.end(), 0.85)


def find_uk_nino(text: str) -> Iterator[Span]:
    for match in _NINO.finditer(text):
        if match.group()[:2].upper() in _NINO_UNUSED_PREFIXES:
            continue
        yield Span("UK_NINO", match.start(), match.end(), 0.85)


def _kvnr_valid(value: str) -> bool:
    # The letter becomes two digits (A=01 … Z=26); weights 1, 2 alternate over the first ten digits,
    # two-digit products are replaced by their digit sum, and the total mod 10 is the check digit.
    digits = f"{ord(value[0]) - 64:02d}{value[1:9]}"
    total = 0
    for index, digit in enumerate(digits):
        product = int(digit) * (1 + index % 2)
        total += product // 10 + product % 10
    return total % 10 == int(value[9])


def _npi_valid(digits: str) -> bool:
    # An NPI is Luhn-checked as if it carried the 80840 prefix of the US health-card issuer.
    return digits[0] in "12" and luhn.is_valid("80840" + digits)


def find_medical(text: str) -> Iterator[Span]:
    """US Medicare numbers (MBI), US provider numbers (NPI), UK NHS numbers and German KVNRs."""
    for match in _MBI.finditer(text):
        yield Span("MEDICAL", match.start(), match.end(), 0.8)
    for match in _TEN_DIGITS.finditer(text):
        digits = match.group().translate(_SEPARATORS)
        named = _context(text, match.start(), _NHS_CONTEXT)
        if (named or digits != match.group()) and nhs.is_valid(digits):
            yield Span("MEDICAL", match.start(), match.end(), 0.85 if named else 0.7)
        elif _npi_valid(digits) and _context(text, match.start(), _NPI_CONTEXT):
            yield Span("MEDICAL", match.start(), match.end(), 0.8)
    for match in _KVNR.finditer(text):
        if _kvnr_valid(match.group()):
            yield Span("MEDICAL", match.start(), match.end(), 0.7)


def find_iban(text: str) -> Iterator[Span]:
    for match in _IBAN.finditer(text):
        groups = re.split(r"([ -])", match.group())
        # The pattern may run into a following word or number; the longest valid prefix is the IBAN.
        while len(groups) >= 1:
            candidate = "".join(groups)
            if len(candidate) >= 15 and iban.is_valid(candidate):
                yield Span("IBAN", match.start(), match.start() + len(candidate), 0.95)
                break
            groups = groups[:-2]


def find_eu_vat(text: str) -> Iterator[Span]:
    """EU VAT numbers with their country prefix, or bare numbers right after a VAT label."""
    for match in _VAT_PREFIXED.finditer(text):
        if match.group()[:2] in _VAT_COUNTRIES and vat.is_valid(match.group().translate(_SEPARATORS)):
            yield Span("EU_VAT", match.start(), match.end(), 0.8)
    for match in _VAT_CONTEXT.finditer(text):
        if vat.guess_country(match.group(1).translate(_SEPARATORS)):
            yield Span("EU_VAT", match.start(1), match.end(1), 0.6)


def _card_issuer_known(digits: str) -> bool:
    length = len(digits)
    two, four, six = int(digits[:2]), int(digits[:4]), int(digits[:6])
    return (
        (digits[0] == "4" and length in (13, 16, 19))  # Visa
        or ((51 <= two <= 55 or 2221 <= four <= 2720) and length == 16)  # Mastercard
        or (two in (34, 37) and length == 15)  # American Express
        or ((four == 6011 or 644 <= int(digits[:3]) <= 649 or two == 65 or 622126 <= six <= 622925) and length >= 16)
        or (3528 <= four <= 3589 and length >= 16)  # JCB
        or ((300 <= int(digits[:3]) <= 305 or two in (36, 38, 39)) and length >= 14)  # Diners Club
        or (two == 62 and length >= 16)  # UnionPay
        or (2200 <= four <= 2204 and length >= 16)  # Mir
        or (
            (four in (5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763) or two in (50, 56, 57, 58, 67))
            and length >= 12
        )
        or (digits[0] == "1" and length == 15)  # UATP
    )


def find_credit_card(text: str) -> Iterator[Span]:
    for match in _CARD.finditer(text):
        digits = match.group().translate(_SEPARATORS)
        if _card_issuer_known(digits) and luhn.is_valid(digits):
            yield Span("CREDIT_CARD", match.start(), match.end(), 0.95)
