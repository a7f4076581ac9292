"""The alerts inbox through the API: list with filters, read one, mark it read or resolved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert
from organizations.roles import Role
from tests.accounts.credentials import STALE_TOKENS
from tests.alerts.factories import AlertFactory
from tests.conftest import client_for
from tests.organizations.factories import api_key_with_secret
from tests.projects.factories import ProjectFactory
from tests.scans.factories import ScanFactory

pytestmark = pytest.mark.django_db
LIST = reverse("alert-list")


def _detail(alert: Alert) -> str:
    return reverse("alert-detail", args=[alert.pk])


@pytest.fixture
def alert(project):
    return AlertFactory(scan=ScanFactory(project=project))


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_an_alert_reads_back_exactly(alert, member_client):
    response = member_client.get(_detail(alert))

    assert response.status_code == 200
    assert response.json() == {
        "id": str(alert.pk),
        "organization_id": str(alert.organization_id),
        "project_id": str(alert.project_id),
        "project_name": "payments",
        "scan_id": str(alert.scan_id),
        "fingerprint": alert.fingerprint,
        "kind": "secret",
        "severity": "high",
        "title": alert.title,
        "message": alert.message,
        "is_read": False,
        "is_resolved": False,
        "resolved_by_id": None,
        "resolved_at": None,
        "created_at": alert.created_at.isoformat().replace("+00:00", "Z"),
    }


def test_the_list_is_paginated_newest_first_and_filters(organization, project, member_client):
    other_project = ProjectFactory(organization=organization)
    old = AlertFactory(scan=ScanFactory(project=project), created_at=timezone.now() - timedelta(hours=1))
    critical = AlertFactory(scan=ScanFactory(project=project), severity="critical", is_read=True)
    elsewhere = AlertFactory(scan=ScanFactory(project=other_project), is_resolved=True)
    AlertFactory()  # another organization's

    everything = member_client.get(LIST)
    assert _ids(everything) == [str(elsewhere.pk), str(critical.pk), str(old.pk)]
    assert everything.json()["total"] == 3
    assert _ids(member_client.get(LIST, {"limit": 1, "skip": 1})) == [str(critical.pk)]
    assert _ids(member_client.get(LIST, {"project_id": str(project.pk)})) == [str(critical.pk), str(old.pk)]
    assert _ids(member_client.get(LIST, {"severity": "critical"})) == [str(critical.pk)]
    assert _ids(member_client.get(LIST, {"is_read": "false"})) == [str(elsewhere.pk), str(old.pk)]
    assert _ids(member_client.get(LIST, {"is_resolved": "true"})) == [str(elsewhere.pk)]


@pytest.mark.parametrize(
    "query",
    [{"severity": "urgent"}, {"is_read": "maybe"}, {"is_resolved": ""}, {"severity": ""}, {"project_id": "not-a-uuid"}],
)
def test_a_bad_filter_is_a_422_naming_it(member_client, query):
    response = member_client.get(LIST, query)

    assert response.status_code == 422
    assert set(response.json()["errors"]) == set(query)


def test_marking_read_then_resolved_records_who_and_when(alert, member_of):
    member = member_of(Role.MEMBER)
    client = client_for(member.user)

    read = client.patch(_detail(alert), {"is_read": True})
    resolved = client.patch(_detail(alert), {"is_resolved": True})

    assert read.status_code == 200
    assert (read.json()["is_read"], read.json()["is_resolved"]) == (True, False)
    assert resolved.json()["resolved_by_id"] == str(member.user.pk)
    alert.refresh_from_db()
    assert alert.is_resolved
    assert alert.resolved_at is not None


def test_reopening_clears_who_resolved_it(alert, member_client):
    member_client.patch(_detail(alert), {"is_resolved": True})

    reopened = member_client.patch(_detail(alert), {"is_resolved": False})

    assert (reopened.json()["is_resolved"], reopened.json()["resolved_by_id"]) == (False, None)


def test_reopening_when_the_fingerprint_has_another_open_alert_is_a_422(alert, member_client):
    member_client.patch(_detail(alert), {"is_resolved": True})
    AlertFactory(organization=alert.organization, project=alert.project, fingerprint=alert.fingerprint)

    response = member_client.patch(_detail(alert), {"is_resolved": False})

    assert response.status_code == 422
    assert response.json()["error_code"] == "ALERT_ALREADY_OPEN"
    alert.refresh_from_db()
    assert alert.is_resolved


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"is_read": "yes"}, "is_read"),
        ({"is_read": 1}, "is_read"),
        ({"is_resolved": None}, "is_resolved"),
        ({}, "is_read"),
    ],
)
def test_a_patch_with_a_wrong_type_or_nothing_to_change_is_a_422(alert, member_client, body, field):
    response = member_client.patch(_detail(alert), body)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    alert.refresh_from_db()
    assert (alert.is_read, alert.is_resolved) == (False, False)


def test_a_viewer_reads_alerts_but_cannot_change_them(alert, member_of):
    client = client_for(member_of(Role.VIEWER).user)

    assert _ids(client.get(LIST)) == [str(alert.pk)]
    response = client.patch(_detail(alert), {"is_read": True})

    assert response.status_code == 403
    assert response.json()["error_code"] == "INSUFFICIENT_PERMISSIONS"


def test_a_read_key_lists_alerts_and_cannot_change_them(organization, alert):
    _, raw_key = api_key_with_secret(organization=organization, scopes=("read",))
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw_key)

    assert _ids(client.get(LIST)) == [str(alert.pk)]
    assert client.patch(_detail(alert), {"is_read": True}, format="json").status_code == 403


def test_another_organizations_alert_is_a_404_on_read_and_change(member_client):
    theirs = AlertFactory()

    assert member_client.get(_detail(theirs)).status_code == 404
    response = member_client.patch(_detail(theirs), {"is_read": True})

    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_NOT_FOUND"
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_another_organizations_project_in_the_query_is_a_404(member_client):
    theirs = AlertFactory()

    response = member_client.get(LIST, {"project_id": str(theirs.project_id)})

    assert response.status_code == 404


@pytest.mark.parametrize(("make", "code"), STALE_TOKENS)
def test_expired_and_revoked_tokens_are_refused(alert, member_of, make, code):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make(member_of(Role.MEMBER).user)}")

    for response in (client.get(LIST), client.patch(_detail(alert), {"is_read": True}, format="json")):
        assert response.status_code == 401
        assert response.json()["error_code"] == code
    alert.refresh_from_db()
    assert not alert.is_read


@pytest.mark.parametrize(
    "state", [{"revoked_at": timezone.now()}, {"expires_at": timezone.now() - timedelta(seconds=1)}]
)
def test_revoked_and_expired_keys_are_refused(organization, alert, state):
    _, raw_key = api_key_with_secret(organization=organization, scopes=("read",), **state)

    response = APIClient().get(LIST, HTTP_X_API_KEY=raw_key)

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"
