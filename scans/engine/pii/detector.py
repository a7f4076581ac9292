"""Runs the recognizers, keeps the best of overlapping candidates, and builds the report."""

from bisect import bisect_left
from collections.abc import Callable, Iterable

from . import addresses, dates, documents, groups, network, numbers, organizations, people, places, redaction, special
from .report import PiiEntity, PiiFinding, PiiReport, mask_pii
from .types import DEFAULT_TYPES, PII_TYPES, Span

Recognizer = Callable[[str], Iterable[Span]]
# Each recognizer with the types it can report, so a narrow `types` skips the rest.
_RECOGNIZERS: tuple[tuple[frozenset[str], Recognizer], ...] = (
    (frozenset({"EMAIL"}), network.find_email),
    (frozenset({"IP_ADDRESS"}), network.find_ip),
    (frozenset({"MAC_ADDRESS"}), network.find_mac),
    (frozenset({"CRYPTO_WALLET"}), network.find_crypto),
    (frozenset({"PHONE"}), network.find_phone),
    (frozenset({"US_SSN", "US_ITIN"}), numbers.find_us_ids),
    (frozenset({"UK_NINO"}), numbers.find_uk_nino),
    (frozenset({"US_PASSPORT"}), documents.find_us_passport),
    (frozenset({"US_DRIVER_LICENSE"}), documents.find_us_driver_license),
    (frozenset({"MEDICAL"}), numbers.find_medical),
    (frozenset({"IBAN"}), numbers.find_iban),
    (frozenset({"EU_VAT"}), numbers.find_eu_vat),
    (frozenset({"CREDIT_CARD"}), numbers.find_credit_card),
    (frozenset({"DATE_OF_BIRTH"}), lambda text: dates.find_dates(text, with_date_time=False)),
    (frozenset({"PERSON"}), people.find_person),
    (frozenset({"ADDRESS", "LOCATION"}), addresses.find_address),
    (frozenset({"LOCATION"}), places.find_location),
    (frozenset({"ORGANIZATION"}), organizations.find_organization),
    (frozenset({"NRP"}), groups.find_nrp),
    (special.CATEGORIES, special.find_special),
)


def _resolve(spans: list[Span]) -> list[Span]:
    """Where candidates overlap, the surer one wins, then the longer: a card is not also a phone."""
    kept_starts: list[int] = []
    kept: list[Span] = []
    for span in sorted(spans, key=lambda item: (-item.score, item.start - item.end, item.start)):
        index = bisect_left(kept_starts, span.start)
        if index < len(kept) and kept[index].start < span.end:
            continue
        if index > 0 and kept[index - 1].end > span.start:
            continue
        kept_starts.insert(index, span.start)
        kept.insert(index, span)
    return kept


def _candidates(text: str, wanted: frozenset[str]) -> list[Span]:
    spans: list[Span] = []
    for produces, recognizer in _RECOGNIZERS:
        if produces & wanted:
            spans += (span for span in recognizer(text) if span.pii_type in wanted)
    if "DATE_TIME" in wanted:
        spans += dates.find_dates(text, with_date_time=True)
    return spans


def _findings(entities: list[PiiEntity]) -> list[PiiFinding]:
    grouped: dict[str, list[tuple[int, int]]] = {}
    for entity in entities:
        grouped.setdefault(entity.pii_type, []).append((entity.start, entity.end))
    findings = []
    for name, locations in grouped.items():
        info = PII_TYPES[name]
        findings.append(
            PiiFinding(
                name, len(locations), locations, info.classification, info.gdpr_risk, info.ai_act_risk, info.reason
            )
        )
    return findings


def detect_pii(text: str, *, redact: bool = False, types: set[str] | None = None) -> PiiReport:
    """Personal data in `text`; with `redact`, also the text with typed placeholders and their mapping."""
    wanted = DEFAULT_TYPES if types is None else frozenset(types)
    unknown = wanted - PII_TYPES.keys()
    if unknown:
        raise ValueError(f"Unknown PII types: {', '.join(sorted(unknown))}")
    spans = _resolve(_candidates(text, wanted))
    entities = [PiiEntity(s.pii_type, s.start, s.end, mask_pii(text[s.start : s.end]), s.score) for s in spans]
    redacted_text, mapping = redaction.redact(text, entities) if redact else (None, {})
    return PiiReport(entities, _findings(entities), redacted_text, mapping, text)
