"""Notification settings: owners and admins choose who hears of alerts, and where."""

import pytest
from django.db import connection
from django.urls import reverse

from alerts.models import NotificationSettings
from audit.models import AuditEvent
from organizations.roles import Role
from tests.conftest import client_for
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
HOOK = "https://hooks.slack.com/services/T0001/B0001/s3cr3tpath"


def _url(organization) -> str:
    return reverse("notification-settings", args=[organization.pk])


@pytest.fixture
def admin_client(member_of):
    return client_for(member_of(Role.ADMIN).user)


@pytest.fixture
def public_dns(monkeypatch):
    # hooks.slack.com as a public resolver would answer, without the network.
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("3.5.6.7", 443))])


def test_the_defaults_before_anyone_changes_them(organization, admin_client):
    response = admin_client.get(_url(organization))

    assert response.status_code == 200
    assert response.json() == {
        "organization_id": str(organization.pk),
        "email_enabled": True,
        "email_roles": ["owner", "admin"],
        "min_severity": "high",
        "webhook_enabled": False,
        "webhook_configured": False,
        "webhook_url_hint": "",
        "updated_at": None,
    }


def test_an_admin_sets_a_webhook_that_is_stored_encrypted_and_never_returned(organization, admin_client, public_dns):
    response = admin_client.patch(
        _url(organization),
        {"webhook_url": HOOK, "webhook_enabled": True, "email_roles": ["member", "owner", "member"]},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["webhook_enabled"], body["webhook_configured"]) == (True, True)
    assert body["webhook_url_hint"] == "https://hooks.slack.com/…"
    assert body["email_roles"] == ["owner", "member"]
    assert "s3cr3tpath" not in str(body) + str(admin_client.get(_url(organization)).json())
    assert NotificationSettings.objects.get(organization=organization).webhook_url == HOOK
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_url FROM alerts_notificationsettings")
        (raw,) = cursor.fetchone()
    assert "s3cr3tpath" not in raw


def test_a_change_is_audited_by_field_name_without_the_webhook_url(organization, admin_client, public_dns):
    admin_client.patch(_url(organization), {"webhook_url": HOOK, "min_severity": "critical"})
    admin_client.patch(_url(organization), {"min_severity": "bogus"})  # refused: no event
    admin_client.patch(_url(organization), {"min_severity": "critical", "email_enabled": True})  # as it was

    events = AuditEvent.objects.filter(organization=organization, action=AuditEvent.Action.NOTIFICATIONS_UPDATED)
    assert [event.data["changed"] for event in events] == [["min_severity", "webhook_url"]]
    assert "s3cr3tpath" not in str(events[0].data)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest",
        "https://[::1]/hook",
        "https://0x7f000001/hook",
        "http://hooks.slack.com/services/x",
        "ftp://hooks.slack.com/x",
    ],
)
def test_a_local_private_or_plain_http_webhook_url_is_refused_at_save_time(organization, admin_client, url):
    response = admin_client.patch(_url(organization), {"webhook_url": url, "webhook_enabled": True})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["webhook_url"]
    assert not NotificationSettings.objects.filter(organization=organization).exists()


def test_a_public_name_resolving_to_a_private_address_is_refused_at_save_time(organization, admin_client, monkeypatch):
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("192.168.1.20", 443))])

    response = admin_client.patch(_url(organization), {"webhook_url": "https://hooks.example.com/x"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["webhook_url"]


def test_an_operator_may_allow_local_webhook_urls(organization, admin_client, settings):
    settings.ALLOW_PRIVATE_WEBHOOK_URLS = True

    response = admin_client.patch(_url(organization), {"webhook_url": "http://127.0.0.1:9000/hook"})

    assert response.status_code == 200
    assert response.json()["webhook_url_hint"] == "http://127.0.0.1:9000/…"


def test_turning_the_webhook_on_without_a_url_is_a_422(organization, admin_client):
    response = admin_client.patch(_url(organization), {"webhook_enabled": True})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["webhook_url"]


def test_a_blank_url_removes_the_webhook(organization, admin_client, public_dns):
    admin_client.patch(_url(organization), {"webhook_url": HOOK, "webhook_enabled": True})

    response = admin_client.patch(_url(organization), {"webhook_url": "", "webhook_enabled": False})

    assert (response.json()["webhook_configured"], response.json()["webhook_url_hint"]) == (False, "")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email_enabled": "yes"}, "email_enabled"),
        ({"email_roles": ["superuser"]}, "email_roles"),
        ({"email_roles": "owner"}, "email_roles"),
        ({"min_severity": "urgent"}, "min_severity"),
        ({"webhook_url": 42}, "webhook_url"),
    ],
)
def test_a_wrong_type_is_a_422_naming_the_field(organization, admin_client, body, field):
    response = admin_client.patch(_url(organization), body)

    assert response.status_code == 422
    assert [name.split(".")[0] for name in response.json()["errors"]] == [field]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_can_neither_read_nor_change_them(organization, member_of, role):
    client = client_for(member_of(role).user)

    for response in (client.get(_url(organization)), client.patch(_url(organization), {"email_enabled": False})):
        assert response.status_code == 403
    assert not NotificationSettings.objects.filter(organization=organization).exists()


def test_another_organizations_settings_are_a_404(admin_client):
    theirs = OrganizationFactory()

    assert admin_client.get(_url(theirs)).status_code == 404
    assert admin_client.patch(_url(theirs), {"email_enabled": False}).status_code == 404
    assert not NotificationSettings.objects.filter(organization=theirs).exists()
