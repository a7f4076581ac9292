"""The PII types, and what each one is under the GDPR and the AI Act.

`classification` follows the GDPR's tiers: `personal` (Art. 4(1): identifies a person directly or
through an online identifier), `sensitive` (not Art. 9, but identifiers whose leak enables fraud or
identity theft: national and identity-document numbers under Art. 87, payment data), and
`special_category` (Art. 9(1): health, religion, ethnicity, sex life or orientation, political
opinions, trade-union membership, genetic and biometric data; processing is prohibited unless an
Art. 9(2) exception applies).

`gdpr_risk` is the harm of a leak to the person: special categories and national or payment
identifiers are `high`, direct contact identifiers `medium`, indirect ones `low`.

`ai_act_risk` is the tier an AI system falls into when it uses that data about people: special
categories are `high`, because profiling on them is an Annex III use (and biometric categorisation
by them is prohibited by Art. 5(1)(g)); identifiers that feed credit, employment or benefits
decisions (Annex III 4 and 5) are `limited` until such a use is known; the rest is `minimal`.
"""

from dataclasses import dataclass
from typing import Literal, NamedTuple

Classification = Literal["personal", "sensitive", "special_category"]
GdprRisk = Literal["low", "medium", "high"]
AiActRisk = Literal["minimal", "limited", "high"]


@dataclass(frozen=True, slots=True)
class PiiType:
    name: str
    classification: Classification
    gdpr_risk: GdprRisk
    ai_act_risk: AiActRisk
    reason: str


def _special(name: str, what: str) -> PiiType:
    return PiiType(name, "special_category", "high", "high", f"GDPR Art. 9(1): {what}; profiling on it is high-risk")


_ALL = (
    PiiType("EMAIL", "personal", "medium", "minimal", "GDPR Art. 4(1): a direct contact identifier"),
    PiiType("PHONE", "personal", "medium", "minimal", "GDPR Art. 4(1): a direct contact identifier"),
    PiiType("PERSON", "personal", "medium", "minimal", "GDPR Art. 4(1): a name identifies a person"),
    PiiType("ADDRESS", "personal", "medium", "minimal", "GDPR Art. 4(1): a postal address locates a person"),
    PiiType("LOCATION", "personal", "low", "minimal", "GDPR Art. 4(1): location data about a person"),
    PiiType(
        "ORGANIZATION", "personal", "low", "minimal", "GDPR Art. 4(1): an employer or institution narrows a person down"
    ),
    PiiType(
        "NRP",
        "personal",
        "medium",
        "limited",
        "a nationality, religious or political group; about a person it can reveal Art. 9(1) data",
    ),
    PiiType("DATE_OF_BIRTH", "personal", "medium", "minimal", "GDPR Art. 4(1): with a name, it singles a person out"),
    PiiType("DATE_TIME", "personal", "low", "minimal", "GDPR Art. 4(1): a date can single a person out with others"),
    PiiType("IP_ADDRESS", "personal", "low", "minimal", "GDPR Art. 4(1) and Recital 30: an online identifier"),
    PiiType("MAC_ADDRESS", "personal", "low", "minimal", "GDPR Recital 30: a device identifier"),
    PiiType(
        "US_SSN",
        "sensitive",
        "high",
        "limited",
        "a national identification number (GDPR Art. 87); enables identity theft",
    ),
    PiiType(
        "US_ITIN", "sensitive", "high", "limited", "a national taxpayer number (GDPR Art. 87); enables identity theft"
    ),
    PiiType("UK_NINO", "sensitive", "high", "limited", "a national identification number (GDPR Art. 87)"),
    PiiType("US_PASSPORT", "sensitive", "high", "limited", "a passport number (GDPR Art. 87); enables identity theft"),
    PiiType(
        "US_DRIVER_LICENSE",
        "sensitive",
        "high",
        "limited",
        "a driving licence number (GDPR Art. 87); enables identity theft",
    ),
    PiiType("CREDIT_CARD", "sensitive", "high", "limited", "payment card data (PCI DSS); enables fraud"),
    PiiType("IBAN", "sensitive", "medium", "limited", "a bank account identifier; enables direct-debit fraud"),
    PiiType("EU_VAT", "sensitive", "low", "minimal", "a tax identifier; personal data for sole traders"),
    PiiType("CRYPTO_WALLET", "sensitive", "medium", "limited", "a wallet address links a person to transactions"),
    _special("MEDICAL", "a health insurance or patient number reveals data concerning health"),
    _special("HEALTH", "data concerning health"),
    _special("RELIGION", "religious or philosophical beliefs"),
    _special("ETHNICITY", "racial or ethnic origin"),
    _special("SEXUAL_ORIENTATION", "sex life or sexual orientation"),
    _special("POLITICAL_OPINION", "political opinions"),
    _special("TRADE_UNION", "trade-union membership"),
    _special("BIOMETRIC", "biometric data for identification"),
    _special("GENETIC", "genetic data"),
)
PII_TYPES: dict[str, PiiType] = {pii_type.name: pii_type for pii_type in _ALL}
# Dates, organisations and nationalities are everywhere in logs, docs and prompts ("translate into
# English", "Copyright Acme Inc"), and redacting them would blank the question itself; a caller who
# wants them asks for DATE_TIME, ORGANIZATION or NRP.
DEFAULT_TYPES: frozenset[str] = frozenset(PII_TYPES) - {"DATE_TIME", "ORGANIZATION", "NRP"}


class Span(NamedTuple):
    """One candidate a recognizer found: offsets into the text, never the value itself."""

    pii_type: str
    start: int
    end: int
    score: float
