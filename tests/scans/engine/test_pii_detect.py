"""Each PII type is found where it is, and not where a lookalike fails its checksum or context."""

import pytest

from scans.engine.pii import PII_TYPES, detect_pii


def found(text: str, types: set[str] | None = None) -> list[tuple[str, str]]:
    return [(e.pii_type, text[e.start : e.end]) for e in detect_pii(text, types=types).entities]


@pytest.mark.parametrize(
    ("text", "pii_type", "value"),
    [
        ("write to anna.berg@example.org today", "EMAIL", "anna.berg@example.org"),
        ("call me on +44 20 7946 0958", "PHONE", "+44 20 7946 0958"),
        ("office (415) 555-2671", "PHONE", "(415) 555-2671"),
        ("my SSN is 078-05-1123", "US_SSN", "078-05-1123"),
        ("ITIN 912-70-1234 on file", "US_ITIN", "912-70-1234"),
        ("nino: PR 123612C", "UK_NINO", "PR 123612C"),
        ("my passport number is 912803456", "US_PASSPORT", "912803456"),
        ("Passport No.: A12345678, issued 2021", "US_PASSPORT", "A12345678"),
        ("my driver's license number is 2270-66-1551", "US_DRIVER_LICENSE", "2270-66-1551"),
        ("Driving licence: S123-4567-8901 (NY)", "US_DRIVER_LICENSE", "S123-4567-8901"),
        ("DL# D1234567 exp 2027", "US_DRIVER_LICENSE", "D1234567"),
        ("NHS number 943 476 5919", "MEDICAL", "943 476 5919"),
        ("Medicare ID: 3CD5-FG7-HJ89", "MEDICAL", "3CD5-FG7-HJ89"),
        ("Provider NPI 1245319599", "MEDICAL", "1245319599"),
        ("Versicherten-Nr. A123456780", "MEDICAL", "A123456780"),
        ("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN", "DE89 3704 0044 0532 0130 00"),
        ("VAT: DE136695976", "EU_VAT", "DE136695976"),
        ("card 4111 1111 1111 1111 exp 12/29", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("amex 3782-822463-10005", "CREDIT_CARD", "3782-822463-10005"),
        ("from 192.168.10.7 at noon", "IP_ADDRESS", "192.168.10.7"),
        ("host 2001:db8::ff00:42:8329 up", "IP_ADDRESS", "2001:db8::ff00:42:8329"),
        ("MAC 00:1A:2B:3C:4D:5E", "MAC_ADDRESS", "00:1A:2B:3C:4D:5E"),
        ("send to 1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "CRYPTO_WALLET", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
        (
            "or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "CRYPTO_WALLET",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "eth 0x52908400098527886E0F7030069857D2E4169EE7",
            "CRYPTO_WALLET",
            "0x52908400098527886E0F7030069857D2E4169EE7",
        ),
        ("She was born on 12 March 1990 in Leeds", "DATE_OF_BIRTH", "12 March 1990"),
        ("DOB: 03/04/1985", "DATE_OF_BIRTH", "03/04/1985"),
        ("Hello, my name is Oskar Lindqvist.", "PERSON", "Oskar Lindqvist"),
        ("The report was written by Mr Okonkwo yesterday", "PERSON", "Okonkwo"),
        ("we met Maria Schmidt at the fair", "PERSON", "Maria Schmidt"),
        ("I live at 221B Baker Street, London NW1 6XE.", "ADDRESS", "221B Baker Street, London NW1 6XE"),
        ("Ship to Hauptstraße 5, 10115 Berlin", "ADDRESS", "Hauptstraße 5, 10115 Berlin"),
        ("she lives in Porto now", "LOCATION", "Porto"),
        ("I flew from Lisbon to New York", "LOCATION", "New York"),
        ("the parts come from Germany", "LOCATION", "Germany"),
        ("shipping to the United States only", "LOCATION", "United States"),
        ("a letter from Port Davidhaven", "LOCATION", "Port Davidhaven"),
        ("we drove to Jamesville", "LOCATION", "Jamesville"),
        ("Tomomi Nishiyama lives at Rua do Arenque 1634, Goiânia", "LOCATION", "Goiânia"),
        ("Tomomi Nishiyama lives at Rua do Arenque 1634, Goiânia", "ADDRESS", "Rua do Arenque 1634"),
        ("Tomomi Nishiyama lives at Rua do Arenque 1634, Goiânia", "PERSON", "Tomomi Nishiyama"),
        ("Ubul: What a wife.\nNicole: Remember me?", "PERSON", "Ubul"),
        ("He was diagnosed with type 2 diabetes.", "HEALTH", "diagnosed with type 2 diabetes"),
        ("the patient is HIV positive", "HEALTH", "HIV positive"),
        ("Omar is a devout Muslim", "RELIGION", "is a devout Muslim"),
        ("her ethnicity: Roma", "ETHNICITY", "ethnicity: Roma"),
        ("my brother is gay", "SEXUAL_ORIENTATION", "is gay"),
        ("In 2019 I voted for Labour", "POLITICAL_OPINION", "voted for Labour"),
        ("he is a member of the union", "TRADE_UNION", "member of the union"),
        ("the app stores facial templates of staff", "BIOMETRIC", "facial templates"),
        ("her genetic test showed BRCA1", "GENETIC", "genetic test"),
    ],
)
def test_each_type_is_found_with_its_span(text, pii_type, value):
    assert (pii_type, value) in found(text)


@pytest.mark.parametrize(
    ("text", "pii_type"),
    [
        ("my email is info@presidio.", "EMAIL"),
        ("card 4012-8888-8888-1882", "CREDIT_CARD"),  # fails Luhn
        ("card 4111 1111 1111 1112", "CREDIT_CARD"),  # fails Luhn
        ("id 1748503543012", "CREDIT_CARD"),  # passes Luhn, no issuer uses this prefix and length
        ("SSN 666-00-0000", "US_SSN"),  # area 666 is never issued
        ("SSN 078-00-1123", "US_SSN"),  # group 00 is never issued
        ("order 460899847", "US_SSN"),  # nine bare digits without the word SSN
        ("order 912803456 shipped", "US_PASSPORT"),  # the shape alone, without the word passport
        ("passport photos: 2, ref 123456789", "US_PASSPORT"),  # not what follows "passport"
        ("please download 12345678 bytes", "US_DRIVER_LICENSE"),  # "dl" in lower case is not DL
        ("ticket D1234567 closed", "US_DRIVER_LICENSE"),
        ("MIT license 2020-2024", "US_DRIVER_LICENSE"),  # a licence, not a licence number
        ("my tax id 911-89-1234", "US_ITIN"),  # group 89 is not an ITIN group
        ("UV 98 76 54 B", "UK_NINO"),  # prefix letters never issued
        ("CY17 0020 0128 0000 0012 0052 7601", "IBAN"),  # bad checksum
        ("DE89 3704 0044 0532 0130 01", "IBAN"),  # one digit changed
        ("401-023-2138", "MEDICAL"),  # fails the NHS check
        ("1SG4-TE5-MK73", "MEDICAL"),  # S is never used in an MBI
        ("A123456787", "MEDICAL"),  # wrong KVNR check digit
        ("number 1245319599 again", "MEDICAL"),  # a valid NPI needs its context
        ("DE136695977", "EU_VAT"),  # bad check digit
        ("999.12.1.1", "IP_ADDRESS"),
        ("Not a MAC: 00:1A:2B:3C:4D", "MAC_ADDRESS"),
        ("wallet 16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ2", "CRYPTO_WALLET"),  # base58check fails
        ("the release of 12 March 1990", "DATE_OF_BIRTH"),
        ("The Cancer Research Centre opened", "HEALTH"),
        ("the church on the hill is old", "RELIGION"),
        ("a union of two sets", "TRADE_UNION"),
        ("What are my options?", "PERSON"),
        ("User: hi\nBot: hello", "PERSON"),  # roles, not speakers' names
        ("Georgia called me", "LOCATION"),  # a first name unless a preposition says place
        ("In Mark's view it works", "LOCATION"),
        ("I talked to Crawford yesterday", "LOCATION"),  # a known surname, though -ford ends places too
        ("UK NINO and UK NHS numbers", "LOCATION"),  # an abbreviation counts only after a preposition
        ("1-2-3 liftoff", "PHONE"),
    ],
)
def test_lookalikes_are_not_reported(text, pii_type):
    assert pii_type not in {kind for kind, _ in found(text)}


@pytest.mark.parametrize(
    ("text", "pii_type", "value"),
    [
        ("She joined Deutsche Bank in May", "ORGANIZATION", "Deutsche Bank"),
        ("Microbilt Corporation is the brainchild of three founders", "ORGANIZATION", "Microbilt Corporation"),
        ("a degree from the University of Leeds", "ORGANIZATION", "University of Leeds"),
        ("I work at Initech since 2019", "ORGANIZATION", "Initech"),
        ("Siemens AG and Bosch GmbH signed", "ORGANIZATION", "Bosch GmbH"),
        ("It serves great Slovenian food.", "NRP", "Slovenian"),
        ("the Catholic church on the hill", "NRP", "Catholic"),
        ("Republicans in Congress voted", "NRP", "Republicans"),
    ],
)
def test_organizations_and_groups_are_found_when_asked_for(text, pii_type, value):
    assert (pii_type, value) in found(text, {pii_type})
    assert pii_type not in {kind for kind, _ in found(text)}


@pytest.mark.parametrize(
    ("text", "pii_type"),
    [
        ("Welcome to the Company.", "ORGANIZATION"),
        ("the university is closed", "ORGANIZATION"),
        ("Our Bank", "ORGANIZATION"),
        ("lang = english", "NRP"),
        ("Germany won", "NRP"),
    ],
)
def test_organization_and_group_lookalikes_are_not_reported(text, pii_type):
    assert pii_type not in {kind for kind, _ in found(text, set(PII_TYPES))}


def test_a_statement_about_a_person_is_the_special_category_not_the_group():
    assert found("Omar is a devout Catholic", {"NRP", "RELIGION"}) == [("RELIGION", "is a devout Catholic")]
    assert found("she is a registered Republican", {"NRP", "POLITICAL_OPINION"}) == [
        ("POLITICAL_OPINION", "is a registered Republican")
    ]


def test_an_overlap_keeps_the_surer_type():
    # 078-05-1123 is also a valid German phone layout; a validated SSN wins.
    assert found("078-05-1123") == [("US_SSN", "078-05-1123")]


def test_types_narrow_the_search_and_date_time_is_opt_in():
    text = "Mail bo@example.com on 2024-05-01"
    assert found(text, {"EMAIL"}) == [("EMAIL", "bo@example.com")]
    assert ("DATE_TIME", "2024-05-01") not in found(text)
    assert ("DATE_TIME", "2024-05-01") in found(text, {"DATE_TIME"})


def test_unknown_types_are_refused():
    with pytest.raises(ValueError, match="NOT_A_TYPE"):
        detect_pii("x", types={"NOT_A_TYPE"})
