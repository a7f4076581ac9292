"""The notification settings page: owners and admins choose who hears of alerts and where, through the
same service as the API; the webhook URL is written, never shown; other roles get 403, outsiders 404."""

import pytest
from django.test import Client
from django.urls import reverse

from alerts.models import NotificationSettings
from organizations.roles import Role
from tests.accounts.mfa import session_login
from tests.alerts.factories import NotificationSettingsFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HOOK = "https://hooks.slack.com/services/T0001/B0001/s3cr3tpath"
SECRET_PART = "s3cr3tpath"
FORM = {"min_severity": "high", "email_enabled": "on", "email_roles": ["owner", "admin"]}


def _url(organization) -> str:
    return reverse("notification-settings-page", args=[organization.pk])


def _stored(organization) -> NotificationSettings:
    return NotificationSettings.objects.in_organization(organization).get()


@pytest.fixture
def admin(client, member_of) -> Client:
    return session_login(client, member_of(Role.ADMIN).user)


@pytest.fixture
def public_dns(monkeypatch):
    # hooks.slack.com as a public resolver would answer, without the network.
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("3.5.6.7", 443))])


def test_an_admin_sees_the_defaults_before_anyone_changes_them(admin, organization):
    response = admin.get(_url(organization))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["min_severity"].value() == "high"
    assert form["email_enabled"].value() is True
    assert form["email_roles"].value() == ["owner", "admin"]
    assert form["webhook_enabled"].value() is False
    page = response.content.decode()
    assert "No URL" in page
    assert "Never: the defaults" in page
    assert 'aria-current="page">Notifications</a>' in page


def test_an_admin_changes_email_roles_severity_and_turns_email_off(admin, organization):
    response = admin.post(
        _url(organization), {"min_severity": "critical", "email_roles": ["member", "owner"]}, follow=True
    )

    stored = _stored(organization)
    assert (stored.min_severity, stored.email_enabled, stored.email_roles) == ("critical", False, ["owner", "member"])
    assert stored.updated_by is not None
    assert "Notification settings saved." in response.content.decode()


def test_a_webhook_url_is_stored_and_never_shown_again(admin, organization, public_dns):
    saved = admin.post(_url(organization), FORM | {"webhook_enabled": "on", "webhook_url": HOOK}, follow=True)

    stored = _stored(organization)
    assert (stored.webhook_enabled, stored.webhook_url) == (True, HOOK)
    page = saved.content.decode()
    assert SECRET_PART not in page
    assert "URL set" in page
    assert "https://hooks.slack.com/…" in page
    assert 'name="webhook_url_remove"' in page


def test_a_blank_url_keeps_the_stored_one_and_the_checkbox_removes_it(admin, organization):
    NotificationSettingsFactory(organization=organization, webhook_url=HOOK, webhook_enabled=True)

    admin.post(_url(organization), FORM | {"webhook_enabled": "on", "webhook_url": ""})
    assert _stored(organization).webhook_url == HOOK

    admin.post(_url(organization), FORM | {"webhook_url_remove": "on"})
    assert (_stored(organization).webhook_url, _stored(organization).webhook_enabled) == ("", False)


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/s3cr3tpath", "https://169.254.169.254/s3cr3tpath", "http://hooks.slack.com/s3cr3tpath"]
)
def test_a_refused_webhook_url_is_a_form_error_that_does_not_echo_it(admin, organization, url):
    response = admin.post(_url(organization), FORM | {"webhook_enabled": "on", "webhook_url": url})

    assert response.status_code == 400
    assert response.context["form"].errors["webhook_url"]
    assert SECRET_PART not in response.content.decode()
    assert not NotificationSettings.objects.in_organization(organization).exists()


def test_a_public_name_resolving_to_a_private_address_is_refused(admin, organization, monkeypatch):
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("192.168.1.20", 443))])

    response = admin.post(_url(organization), FORM | {"webhook_url": "https://hooks.example.com/x"})

    assert response.status_code == 400
    assert "webhook_url" in response.context["form"].errors


def test_turning_the_webhook_on_without_a_url_says_so_on_the_field(admin, organization):
    response = admin.post(_url(organization), FORM | {"webhook_enabled": "on"})

    assert response.status_code == 400
    assert response.context["form"].errors["webhook_url"] == ["Set a webhook URL before turning the webhook on."]


def test_an_unknown_severity_or_role_is_refused(admin, organization):
    response = admin.post(_url(organization), {"min_severity": "urgent", "email_roles": ["superuser"]})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"min_severity", "email_roles"}
    assert not NotificationSettings.objects.in_organization(organization).exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_get_403_and_no_link(client, member_of, organization, role):
    browser = session_login(client, member_of(role).user)

    assert browser.get(_url(organization)).status_code == 403
    assert browser.post(_url(organization), FORM | {"min_severity": "low"}).status_code == 403
    assert not NotificationSettings.objects.in_organization(organization).exists()
    for page in (reverse("alert-list-page"), reverse("membership-list-page", args=[organization.pk])):
        assert _url(organization) not in browser.get(page).content.decode()


def test_another_organizations_settings_are_a_404(admin):
    theirs = OrganizationFactory()
    MembershipFactory(organization=theirs, role=Role.OWNER)

    assert admin.get(_url(theirs)).status_code == 404
    assert admin.post(_url(theirs), FORM | {"min_severity": "low"}).status_code == 404
    assert not NotificationSettings.objects.in_organization(theirs).exists()


def test_the_inbox_and_the_organizations_sections_link_to_the_page(admin, organization):
    inbox = admin.get(reverse("alert-list-page")).content.decode()
    members = admin.get(reverse("membership-list-page", args=[organization.pk])).content.decode()

    assert f'href="{_url(organization)}">Notification settings</a>' in inbox
    assert f'href="{_url(organization)}">Notifications</a>' in members


def test_changing_the_settings_needs_the_csrf_token(member_of, organization):
    browser = session_login(Client(enforce_csrf_checks=True), member_of(Role.ADMIN).user)

    assert browser.post(_url(organization), FORM | {"min_severity": "low"}).status_code == 403
    assert not NotificationSettings.objects.in_organization(organization).exists()
