"""The scan services: one seam to start, a run that stores once, triage that later scans respect."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing import quotas
from organizations.roles import Role
from projects.services import project_scan_record
from scans import runners
from scans.exceptions import ScanLimitExceeded
from scans.inputs import ScanInput
from scans.models import Finding, Scan
from scans.services import finding_triage, scan_run, scan_start, scan_submit
from scans.services import scans as scans_service
from tests.organizations.factories import MembershipFactory
from tests.scans.conftest import LEAKY_CODE


def _snippet(text: str = LEAKY_CODE) -> ScanInput:
    return ScanInput(kind=Scan.InputKind.SNIPPET, text=text, path="main.py", language="python")


@pytest.fixture
def actor(organization):
    return MembershipFactory(organization=organization, role=Role.MEMBER).user


@pytest.mark.django_db
def test_every_scan_asks_the_quota_seam_for_its_organization(monkeypatch, project, actor):
    asked = []
    monkeypatch.setattr(quotas, "scan_allowed", lambda *, organization: asked.append(organization) or True)

    scan_start(actor=actor, project=project, scan_type=Scan.ScanType.CODE, source=_snippet())

    assert asked == [project.organization]


@pytest.mark.django_db
def test_a_refusal_from_the_quota_seam_stops_the_scan_before_any_row(monkeypatch, project, actor, member_client):
    monkeypatch.setattr(quotas, "scan_allowed", lambda *, organization: False)

    with pytest.raises(ScanLimitExceeded):
        scan_start(actor=actor, project=project, scan_type=Scan.ScanType.CODE, source=_snippet())
    response = member_client.post("/api/v1/scans/code", {"project_id": str(project.pk), "code": "x = 1"}, format="json")

    assert response.status_code == 429
    assert response.json()["error_code"] == "SCAN_LIMIT_EXCEEDED"
    assert not Scan.objects.dangerously_unscoped().exists()
    project.refresh_from_db()
    assert project.scan_count == 0


@pytest.mark.django_db
def test_a_scan_delivered_twice_stores_its_findings_once_and_counts_once(monkeypatch, project, actor):
    source = _snippet()
    scan = scan_start(actor=actor, project=project, scan_type=Scan.ScanType.CODE, source=source)
    real_engine = scans_service.scan_engine_run
    redelivered = []

    def slow_first_delivery(**arguments: object) -> runners.Outcome:
        # While the first worker is still scanning, the broker hands the same scan to a second one.
        if not redelivered:
            redelivered.append(None)
            copy = Scan.objects.in_organization(project.organization).get(pk=scan.pk)
            redelivered[0] = scan_run(scan=copy, source=source)
        return real_engine(**arguments)

    monkeypatch.setattr(scans_service, "scan_engine_run", slow_first_delivery)

    first = scan_run(scan=scan, source=source)
    late = scan_run(scan=scan, source=source)

    project.refresh_from_db()
    stored = Finding.objects.in_organization(project.organization).filter(scan=scan)
    assert redelivered[0] is not None
    assert first is not None
    assert late is None  # a finished scan is left alone
    assert stored.count() == len(first.findings) >= 2
    assert scan.status == Scan.Status.COMPLETED
    assert project.scan_count == 1


@pytest.mark.django_db
def test_a_completed_scan_becomes_the_projects_latest(project, actor):
    first, _ = scan_submit(actor=actor, project=project, scan_type=Scan.ScanType.CODE, source=_snippet())
    second, _ = scan_submit(actor=actor, project=project, scan_type=Scan.ScanType.CODE, source=_snippet("x = 1\n"))

    project.refresh_from_db()
    assert first.ai_risk_score >= 45
    assert second.ai_risk_score == 0
    assert project.scan_count == 2
    assert project.last_scan == second.completed_at
    assert project.last_risk_score == 0


@pytest.mark.django_db
def test_an_engine_failure_fails_the_scan_without_quoting_the_input(monkeypatch, project, actor):
    def broken(source: ScanInput) -> runners.Outcome:
        raise ValueError(f"cannot read {source.text}")

    monkeypatch.setitem(runners.RUNNERS, Scan.ScanType.CODE, broken)

    scan, outcome = scan_submit(actor=actor, project=project, scan_type=Scan.ScanType.CODE, source=_snippet())

    project.refresh_from_db()
    assert outcome is None
    assert scan.status == Scan.Status.FAILED
    assert scan.completed_at is not None
    assert "ghp_" not in scan.error_message
    assert project.scan_count == 0


@pytest.mark.django_db
def test_a_triaged_fingerprint_is_left_out_of_later_scans(project, actor):
    first, _ = scan_submit(actor=actor, project=project, scan_type=Scan.ScanType.CODE, source=_snippet())
    secret = first.findings.get(rule_id="github.pat-classic")

    finding_triage(
        actor=actor, organization=project.organization, fingerprint=secret.fingerprint, status="false_positive"
    )
    second, _ = scan_submit(actor=actor, project=project, scan_type=Scan.ScanType.CODE, source=_snippet())

    assert not second.findings.filter(fingerprint=secret.fingerprint).exists()
    assert second.findings.exists()  # the rest is still reported
    assert second.suppressed_count == 1
    assert second.findings_count == first.findings_count - 1
    assert first.findings.filter(fingerprint=secret.fingerprint).exists()  # history is kept


@pytest.mark.django_db
def test_another_organizations_triage_does_not_hide_anything_here(project, actor):
    first, _ = scan_submit(actor=actor, project=project, scan_type=Scan.ScanType.CODE, source=_snippet())
    fingerprint = first.findings.get(rule_id="github.pat-classic").fingerprint
    elsewhere = MembershipFactory(role=Role.OWNER)
    other_project = (
        type(project)
        .objects.in_organization(elsewhere.organization)
        .create(organization=elsewhere.organization, name="theirs")
    )
    theirs, _ = scan_submit(actor=elsewhere.user, project=other_project, scan_type="code", source=_snippet())
    finding_triage(actor=elsewhere.user, organization=elsewhere.organization, fingerprint=fingerprint, status="fixed")

    again, _ = scan_submit(actor=actor, project=project, scan_type=Scan.ScanType.CODE, source=_snippet())

    assert theirs.findings.filter(fingerprint=fingerprint).exists()
    assert again.findings.filter(fingerprint=fingerprint).exists()


@pytest.mark.django_db
def test_a_scan_finishing_after_a_newer_one_is_counted_but_does_not_replace_it(project):
    newer = timezone.now()

    project_scan_record(project=project, scanned_at=newer, risk_score=10)
    project_scan_record(project=project, scanned_at=newer - timedelta(minutes=5), risk_score=90)

    project.refresh_from_db()
    assert (project.scan_count, project.last_scan, project.last_risk_score) == (2, newer, 10)
