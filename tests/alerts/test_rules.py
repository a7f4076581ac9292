"""Which scan results raise alerts, and which do not."""

import pytest

from alerts.models import Alert
from alerts.services import alerts_raise_for_scan
from scans.models import Scan
from tests.alerts.factories import AlertFactory
from tests.scans.factories import FindingFactory, ScanFactory, TriageFactory

pytestmark = pytest.mark.django_db


def _code_scan(project, *severities_and_categories):
    scan = ScanFactory(project=project, scan_type=Scan.ScanType.CODE)
    for severity, category in severities_and_categories:
        FindingFactory(scan=scan, severity=severity, category=category)
    return scan


@pytest.mark.parametrize(
    ("severity", "category"),
    [("critical", "secret"), ("high", "secret"), ("high", "code"), ("critical", "model_file")],
)
def test_a_critical_or_high_finding_raises_one_alert_of_its_kind(project, severity, category):
    scan = _code_scan(project, (severity, category))

    raised = alerts_raise_for_scan(scan=scan)

    assert [(alert.kind, alert.severity, alert.project_id, alert.scan_id) for alert in raised] == [
        (category, severity, project.pk, scan.pk)
    ]
    assert raised[0].fingerprint == scan.findings.get().fingerprint


@pytest.mark.parametrize("severity", ["medium", "low", "info"])
def test_a_medium_or_lower_finding_raises_none(project, severity):
    assert alerts_raise_for_scan(scan=_code_scan(project, (severity, "secret"))) == []
    assert not Alert.objects.exists()


def test_a_malicious_model_file_is_titled_as_one(project):
    raised = alerts_raise_for_scan(scan=_code_scan(project, ("critical", "model_file")))

    assert raised[0].title.startswith("Malicious model file: ")


def test_the_message_names_rule_and_place_but_not_the_snippet(project):
    scan = ScanFactory(project=project)
    FindingFactory(scan=scan, snippet='TOKEN = "ghp_…(40 chars)"', file_path="app/settings.py", line=12)

    alert = alerts_raise_for_scan(scan=scan)[0]

    assert "app/settings.py:12" in alert.message
    assert "github.pat-classic" in alert.message
    assert "ghp_" not in alert.message + alert.title


def _prompt_scan(project, overall):
    scan = ScanFactory(project=project, scan_type=Scan.ScanType.PROMPT, details={"overall": overall, "flagged": True})
    FindingFactory(scan=scan, category="prompt", severity="medium", rule_id="prompt.ignore-previous")
    return scan


@pytest.mark.parametrize(("overall", "severity"), [(45, "high"), (70, "high"), (85, "critical"), (100, "critical")])
def test_a_prompt_in_the_high_band_raises_an_alert_whatever_its_findings_severity(project, overall, severity):
    raised = alerts_raise_for_scan(scan=_prompt_scan(project, overall))

    assert [(alert.kind, alert.severity) for alert in raised] == [("prompt", severity)]


@pytest.mark.parametrize("overall", [0, 20, 44])
def test_a_prompt_below_the_high_band_raises_none(project, overall):
    assert alerts_raise_for_scan(scan=_prompt_scan(project, overall)) == []


def _pii_scan(project, rule_id, severity="high"):
    scan = ScanFactory(project=project, scan_type=Scan.ScanType.PII)
    FindingFactory(scan=scan, category="pii", severity=severity, rule_id=rule_id)
    return scan


@pytest.mark.parametrize("rule_id", ["pii-health", "pii-religion", "pii-sexual-orientation", "pii-ethnicity"])
def test_special_category_pii_raises_an_alert(project, rule_id):
    raised = alerts_raise_for_scan(scan=_pii_scan(project, rule_id))

    assert [alert.kind for alert in raised] == ["pii"]


@pytest.mark.parametrize("rule_id", ["pii-email", "pii-credit-card", "pii-person"])
def test_personal_or_sensitive_pii_raises_none_even_when_high(project, rule_id):
    assert alerts_raise_for_scan(scan=_pii_scan(project, rule_id, severity="high")) == []


def test_a_failed_scan_raises_none(project):
    scan = _code_scan(project, ("critical", "secret"))
    scan.status = Scan.Status.FAILED
    scan.save()

    assert alerts_raise_for_scan(scan=scan) == []


def test_a_triaged_fingerprint_raises_no_alert(organization, project):
    scan = _code_scan(project, ("critical", "secret"), ("high", "secret"))
    triaged, kept = scan.findings.order_by("severity")
    TriageFactory(organization=organization, fingerprint=triaged.fingerprint)

    raised = alerts_raise_for_scan(scan=scan)

    assert [alert.fingerprint for alert in raised] == [kept.fingerprint]


def test_another_organizations_triage_does_not_suppress(project):
    scan = _code_scan(project, ("critical", "secret"))
    TriageFactory(fingerprint=scan.findings.get().fingerprint)  # of another organization

    assert len(alerts_raise_for_scan(scan=scan)) == 1


def test_an_open_alert_for_the_fingerprint_suppresses_a_second_but_a_resolved_one_does_not(organization, project):
    first = _code_scan(project, ("high", "secret"))
    fingerprint = first.findings.get().fingerprint
    assert len(alerts_raise_for_scan(scan=first)) == 1
    again = ScanFactory(project=project)
    FindingFactory(scan=again, fingerprint=fingerprint)

    assert alerts_raise_for_scan(scan=again) == []
    Alert.objects.filter(fingerprint=fingerprint).update(is_resolved=True)
    assert len(alerts_raise_for_scan(scan=again)) == 1
    assert Alert.objects.filter(fingerprint=fingerprint).count() == 2


def test_the_same_fingerprint_on_two_lines_is_one_alert(project):
    scan = ScanFactory(project=project)
    FindingFactory(scan=scan, fingerprint="f" * 32, line=2)
    FindingFactory(scan=scan, fingerprint="f" * 32, line=9)

    assert len(alerts_raise_for_scan(scan=scan)) == 1


def test_raising_twice_for_one_scan_stores_its_alerts_once(project):
    scan = _code_scan(project, ("critical", "secret"), ("high", "code"))

    assert len(alerts_raise_for_scan(scan=scan)) == 2
    assert alerts_raise_for_scan(scan=scan) == []
    assert Alert.objects.count() == 2


def test_an_open_alert_in_another_organization_does_not_suppress(project):
    scan = _code_scan(project, ("high", "secret"))
    AlertFactory(fingerprint=scan.findings.get().fingerprint)  # another organization's

    assert len(alerts_raise_for_scan(scan=scan)) == 1
