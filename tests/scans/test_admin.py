import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.mfa import session_login
from tests.scans.factories import FindingFactory, TriageFactory


@pytest.fixture
def operator(client, db) -> User:
    superuser = UserFactory(is_staff=True, is_superuser=True)
    session_login(client, superuser)
    return client


@pytest.mark.django_db
def test_operators_read_scans_findings_and_triage_but_cannot_change_them(operator):
    finding = FindingFactory()
    triage = TriageFactory()

    scans = operator.get(reverse("admin:scans_scan_changelist"))
    scan = operator.get(reverse("admin:scans_scan_change", args=[finding.scan.pk]))
    findings = operator.get(reverse("admin:scans_finding_changelist"))
    triages = operator.get(reverse("admin:scans_triage_changelist"))
    adding = operator.get(reverse("admin:scans_triage_add"))
    changing = operator.post(reverse("admin:scans_triage_change", args=[triage.pk]), {"status": "fixed"})

    assert (scans.status_code, scan.status_code, findings.status_code, triages.status_code) == (200, 200, 200, 200)
    assert finding.fingerprint in scan.content.decode()
    assert adding.status_code == 403
    assert changing.status_code == 403
    triage.refresh_from_db()
    assert triage.status == "false_positive"
