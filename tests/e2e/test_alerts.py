"""The alerts inbox in real Chromium, served by the ASGI application: while the inbox is open in one tab,
a code scan with a planted key submitted in another raises an alert that appears, with the navigation's
count, without a reload; it is then resolved from the inbox and opened on its own page."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from alerts.models import Alert, NotificationSettings
from organizations.roles import Role
from tests.accounts.mfa import enrolled_user, totp_code
from tests.alerts.factories import AlertFactory
from tests.e2e.asgi import asgi_serving
from tests.e2e.conftest import ARTIFACTS, screenshot, sign_in
from tests.e2e.test_scans import LEAKY
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")


@pytest.fixture
def site_url(live_server) -> Iterator[str]:
    with asgi_serving() as url:
        yield url


def _shot(page: Page, name: str) -> None:
    screenshot(page, name)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", SHOTS / f"{name}.png")


def test_a_new_alert_arrives_live_in_the_inbox_and_is_resolved_there(page: Page):
    ada = enrolled_user(email="ada@example.com", username="ada", full_name="Ada Lovelace")
    organization = OrganizationFactory(name="Initech")
    MembershipFactory(organization=organization, user=ada.user, role=Role.MEMBER)
    project = ProjectFactory(organization=organization, name="payments")
    AlertFactory(scan__project=project, title="Secret: GitHub personal access token", is_read=True)
    sign_in(page, ada.user.email, totp_code(ada.device))

    page.get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
    expect(page.locator(".alert-item")).to_have_count(1)
    badge = page.locator(".mainnav .nav-count")
    expect(badge).to_be_hidden()
    _shot(page, "alerts-inbox-before")

    other = page.context.new_page()
    other.goto("/scans/new/")
    other.get_by_label("Code", exact=True).fill(LEAKY)
    other.get_by_label("Filename").fill("config/settings.py")
    other.get_by_role("button", name="Scan the code").click()
    expect(other.get_by_role("heading", name="Code scan of config/settings.py")).to_be_visible()
    raised = Alert.objects.in_organization(organization).filter(is_read=False).count()
    assert raised == 2  # the key id (high) and the secret key (critical)

    # The first tab was never reloaded: the socket brought the count and the list.
    expect(badge).to_have_text(str(raised))
    expect(page.locator(".alert-item")).to_have_count(1 + raised)
    newest = page.locator(".alert-item").first
    expect(newest).to_contain_text("config/settings.py")
    expect(newest.locator(".sev")).to_have_text("Critical")
    expect(page.locator("[data-alerts-inbox] [data-alerts-unread]")).to_have_text(str(raised))
    _shot(page, "alerts-inbox-live")

    newest.get_by_role("button", name="Resolve").click()
    expect(page.get_by_role("status").filter(has_text="resolved.")).to_be_visible()
    expect(page.locator(".mainnav .nav-count")).to_have_text("1")
    assert Alert.objects.in_organization(organization).filter(is_resolved=True).count() == 1
    _shot(page, "alerts-inbox-resolved")

    page.locator(".alert-item", has_text="Resolved").get_by_role("link").first.click()
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    expect(page.get_by_role("link", name="View the scan and its findings")).to_be_visible()
    _shot(page, "alerts-detail")


def test_an_admin_sets_notifications_from_the_inbox_and_a_private_webhook_is_refused_on_the_field(page: Page):
    grace = enrolled_user(email="grace@example.com", username="grace", full_name="Grace Hopper")
    organization = OrganizationFactory(name="Initech")
    MembershipFactory(organization=organization, user=grace.user, role=Role.ADMIN)
    sign_in(page, grace.user.email, totp_code(grace.device))

    page.get_by_role("link", name="Alerts").click()
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("link", name="Notifications")).to_have_attribute("aria-current", "page")
    page.get_by_label("Post alerts to the webhook").check()
    page.get_by_label("Webhook URL").fill("https://169.254.169.254/latest/s3cr3t")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".field-errors")).to_be_visible()
    expect(page.get_by_label("Webhook URL")).to_have_value("")
    _shot(page, "notification-settings-refused")

    page.get_by_label("Post alerts to the webhook").uncheck()
    page.get_by_label("Member").check()
    page.get_by_label("Lowest severity to send").select_option("critical")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Notification settings saved.")
    stored = NotificationSettings.objects.in_organization(organization).get()
    assert (stored.min_severity, stored.email_roles, stored.webhook_url) == (
        "critical",
        ["owner", "admin", "member"],
        "",
    )
    _shot(page, "notification-settings-saved")
