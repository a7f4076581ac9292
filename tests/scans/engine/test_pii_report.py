"""Redaction round-trips, the mapping stays in memory, and no output shows a whole value."""

import json

from scans.engine.findings import Category, Severity
from scans.engine.pii import DEFAULT_TYPES, PII_TYPES, detect_pii, restore, to_findings

TEXT = "Mail ada@example.com or call +44 20 7946 0958; again: ada@example.com. The other is at bo@example.net"
VALUES = ("ada@example.com", "+44 20 7946 0958", "bo@example.net")


def test_redaction_uses_one_typed_placeholder_per_value():
    report = detect_pii(TEXT, redact=True)
    assert report.redacted_text == ("Mail <EMAIL_1> or call <PHONE_1>; again: <EMAIL_1>. The other is at <EMAIL_2>")
    assert report.mapping == {
        "<EMAIL_1>": "ada@example.com",
        "<PHONE_1>": "+44 20 7946 0958",
        "<EMAIL_2>": "bo@example.net",
    }


def test_identity_documents_organizations_and_groups_get_typed_placeholders():
    text = "Passport no. 912803456, DL# D1234567; she works at Initech with two Slovenian colleagues"
    report = detect_pii(text, redact=True, types={"US_PASSPORT", "US_DRIVER_LICENSE", "ORGANIZATION", "NRP"})
    assert report.redacted_text == (
        "Passport no. <US_PASSPORT_1>, DL# <US_DRIVER_LICENSE_1>; she works at <ORGANIZATION_1> with two <NRP_1>"
        " colleagues"
    )
    assert restore(report.redacted_text, report.mapping) == text


def test_restore_puts_the_originals_back_into_an_answer():
    report = detect_pii(TEXT, redact=True)
    assert restore(report.redacted_text, report.mapping) == TEXT
    answer = "I wrote to <EMAIL_2> and <EMAIL_1>; <PERSON_9> is unknown."
    assert restore(answer, report.mapping) == "I wrote to bo@example.net and ada@example.com; <PERSON_9> is unknown."


def test_without_redact_there_is_no_text_and_no_mapping():
    report = detect_pii(TEXT)
    assert report.redacted_text is None
    assert report.mapping == {}


def test_no_raw_value_in_repr_or_to_dict():
    report = detect_pii(TEXT, redact=True)
    shown = repr(report) + json.dumps(report.to_dict()) + repr(report.entities) + repr(report.findings)
    for value in VALUES:
        assert value not in shown
    assert "mapping" not in report.to_dict()
    assert "mapping" not in repr(report)


def test_short_values_are_masked_too():
    report = detect_pii("Dear Anna, thanks")
    assert [entity.value_masked for entity in report.entities] == ["A…(4 chars)"]


def test_the_mapping_does_not_make_reports_unequal():
    first, second = detect_pii(TEXT, redact=True), detect_pii(TEXT, redact=True)
    object.__setattr__(second, "mapping", {})
    assert first == second


def test_findings_carry_the_classification_and_risks_per_type():
    report = detect_pii("SSN 078-05-1123, mail ada@example.com, she is HIV positive, ada@example.com")
    by_type = {finding.pii_type: finding for finding in report.findings}
    assert by_type["EMAIL"].count == 2
    assert len(by_type["EMAIL"].locations) == 2
    assert (by_type["EMAIL"].classification, by_type["EMAIL"].gdpr_risk, by_type["EMAIL"].ai_act_risk) == (
        "personal",
        "medium",
        "minimal",
    )
    assert (by_type["US_SSN"].classification, by_type["US_SSN"].gdpr_risk) == ("sensitive", "high")
    health = by_type["HEALTH"]
    assert (health.classification, health.gdpr_risk, health.ai_act_risk) == ("special_category", "high", "high")
    assert "Art. 9" in health.reason


def test_identity_documents_rank_with_national_numbers_and_groups_are_not_special_categories():
    for name in ("US_PASSPORT", "US_DRIVER_LICENSE"):
        info = PII_TYPES[name]
        assert (info.classification, info.gdpr_risk, info.ai_act_risk) == ("sensitive", "high", "limited")
    # A bare group mention is not a fact about a person; RELIGION and the like are reported for those.
    assert PII_TYPES["NRP"].classification == PII_TYPES["ORGANIZATION"].classification == "personal"
    # Redacting "English" or "Acme Inc" from every prompt would blank the question: opt-in.
    assert {"ORGANIZATION", "NRP", "DATE_TIME"}.isdisjoint(DEFAULT_TYPES)
    assert {"US_PASSPORT", "US_DRIVER_LICENSE"} <= DEFAULT_TYPES


def test_every_special_category_is_high_risk_under_both_laws():
    special = [info for info in PII_TYPES.values() if info.classification == "special_category"]
    assert {info.name for info in special} >= {
        "HEALTH",
        "RELIGION",
        "ETHNICITY",
        "SEXUAL_ORIENTATION",
        "POLITICAL_OPINION",
        "BIOMETRIC",
        "GENETIC",
        "TRADE_UNION",
    }
    assert all(info.gdpr_risk == "high" and info.ai_act_risk == "high" for info in special)


def test_engine_findings_mask_every_value_on_the_line():
    text = "first line\ncontact ada@example.com or +44 20 7946 0958\n"
    findings = to_findings(detect_pii(text), "notes/contacts.txt")
    assert [(f.rule_id, f.line, f.column) for f in findings] == [("pii-email", 2, 9), ("pii-phone", 2, 28)]
    for finding in findings:
        assert finding.category == Category.PII
        assert finding.severity == Severity.MEDIUM
        assert "ada@example.com" not in finding.snippet
        assert "7946 0958" not in finding.snippet
        assert finding.snippet.startswith("contact ada@…(15 chars)")
    assert findings[0].fingerprint != findings[1].fingerprint
    assert findings[0].fingerprint == to_findings(detect_pii(text), "notes/contacts.txt")[0].fingerprint
