"""A scan's findings, its SARIF export, and triage by fingerprint, through the API."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from organizations.roles import Role
from scans.models import Triage
from tests.conftest import client_for
from tests.organizations.factories import api_key_with_secret
from tests.scans.conftest import LEAKY_CODE, PLANTED
from tests.scans.factories import FindingFactory, ScanFactory

SARIF_SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())


def _triage(client, fingerprint, organization, **fields):
    body = {"organization_id": str(organization.pk), "status": "false_positive", **fields}
    return client.post(reverse("finding-triage", args=[fingerprint]), body, format="json")


@pytest.fixture
def scanned(project, member_client):
    """A completed code scan of a snippet with a secret and a pickle call."""
    response = member_client.post(reverse("scan-code"), {"project_id": str(project.pk), "code": LEAKY_CODE})
    return response.json()


@pytest.mark.django_db
def test_findings_come_worst_first_and_filter_by_severity(project, member_client):
    scan = ScanFactory(project=project)
    low = FindingFactory(scan=scan, severity="low", file_path="a.py")
    critical = FindingFactory(scan=scan, severity="critical", file_path="z.py")
    FindingFactory(severity="critical")  # another organization's

    url = reverse("scan-finding-list", args=[scan.pk])
    everything = member_client.get(url).json()
    only_low = member_client.get(url, {"severity": "low"}).json()
    bad = member_client.get(url, {"severity": "urgent"})

    assert [item["id"] for item in everything["items"]] == [str(critical.pk), str(low.pk)]
    assert (everything["total"], only_low["total"]) == (2, 1)
    assert bad.status_code == 422
    assert list(bad.json()["errors"]) == ["severity"]


@pytest.mark.django_db
def test_the_sarif_export_validates_and_carries_each_finding_masked(scanned, member_client):
    response = member_client.get(reverse("scan-sarif", args=[scanned["id"]]))

    document = response.json()
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    results = document["runs"][0]["results"]
    assert response["Content-Disposition"] == f'attachment; filename="scan-{scanned["id"]}.sarif"'
    assert {result["ruleId"] for result in results} == {result["rule_id"] for result in scanned["results"]}
    assert {result["partialFingerprints"]["bastionFingerprint/v1"] for result in results} == {
        result["fingerprint"] for result in scanned["results"]
    }
    assert PLANTED not in response.content.decode()
    assert "originalUriBaseIds" not in document["runs"][0]  # the server's own folder stays private


@pytest.mark.django_db
def test_triage_is_recorded_audited_and_shown_on_the_finding(organization, scanned, member_client):
    fingerprint = scanned["results"][0]["fingerprint"]

    response = _triage(member_client, fingerprint, organization, reason="test fixture")
    findings = member_client.get(reverse("scan-finding-list", args=[scanned["id"]])).json()["items"]

    assert response.status_code == 200
    body = response.json()
    assert (body["fingerprint"], body["status"], body["reason"]) == (fingerprint, "false_positive", "test fixture")
    assert body["decided_by_id"] is not None
    assert {item["fingerprint"]: item["triage_status"] for item in findings}[fingerprint] == "false_positive"
    event = AuditEvent.objects.dangerously_unscoped().get(action="finding.triaged")
    assert event.data == {"fingerprint": fingerprint, "status": "false_positive"}
    assert (event.organization, event.user_id) == (organization, organization.memberships.get().user_id)


@pytest.mark.django_db
def test_a_second_decision_replaces_the_first(organization, scanned, member_client):
    fingerprint = scanned["results"][0]["fingerprint"]

    _triage(member_client, fingerprint, organization)
    changed = _triage(member_client, fingerprint, organization, status="fixed")

    assert changed.json()["status"] == "fixed"
    assert Triage.objects.in_organization(organization).get().status == "fixed"


@pytest.mark.django_db
def test_a_triaged_finding_is_left_out_of_the_next_scan(organization, project, scanned, member_client):
    secret = next(item for item in scanned["results"] if item["rule_id"] == "github.pat-classic")
    _triage(member_client, secret["fingerprint"], organization, status="accepted_risk")

    again = member_client.post(reverse("scan-code"), {"project_id": str(project.pk), "code": LEAKY_CODE}).json()

    assert secret["fingerprint"] not in {item["fingerprint"] for item in again["results"]}
    assert again["suppressed_count"] == 1
    assert again["findings_count"] == scanned["findings_count"] - 1


@pytest.mark.django_db
def test_a_fingerprint_the_organization_never_saw_is_a_404(organization, member_client):
    elsewhere = FindingFactory()  # reported in another organization

    for fingerprint in (elsewhere.fingerprint, "0" * 32):
        response = _triage(member_client, fingerprint, organization)
        assert response.status_code == 404
        assert response.json()["error_code"] == "RESOURCE_NOT_FOUND"
    assert not Triage.objects.in_organization(organization).exists()


@pytest.mark.django_db
def test_viewers_and_read_keys_cannot_triage_but_scans_write_keys_can(organization, scanned, member_of):
    fingerprint = scanned["results"][0]["fingerprint"]
    viewer = client_for(member_of(Role.VIEWER).user)
    _, read_key = api_key_with_secret(organization=organization, scopes=("read",))
    _, write_key = api_key_with_secret(organization=organization, scopes=("scans:write",))

    by_viewer = _triage(viewer, fingerprint, organization)
    by_reader = _triage(_keyed(read_key), fingerprint, organization)
    by_writer = _triage(_keyed(write_key), fingerprint, organization)

    assert (by_viewer.status_code, by_reader.status_code, by_writer.status_code) == (403, 403, 200)
    assert by_writer.json()["decided_by_id"] is None  # a key is nobody; the audit log names it


def _keyed(raw_key):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw_key)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{"status": "ignored"}, {"status": 1}, {"reason": "no status"}, {"status": None}])
def test_a_bad_triage_body_is_a_422(organization, scanned, member_client, body):
    fingerprint = scanned["results"][0]["fingerprint"]
    response = member_client.post(
        reverse("finding-triage", args=[fingerprint]), {"organization_id": str(organization.pk), **body}, format="json"
    )

    assert response.status_code == 422
    assert "status" in response.json()["errors"]
