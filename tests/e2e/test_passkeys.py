"""Passkeys in real Chromium, with its virtual authenticator (DevTools protocol) standing in for a device.

WebAuthn needs a secure context and an origin inside the RP ID, so the pages are opened at
`http://localhost:<port>` (the live server listens on 127.0.0.1, which localhost resolves to) with
RP ID "localhost"; an IP address cannot be an RP ID.
"""

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

from audit.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.accounts.mfa import enrolled_user, totp_code
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def origin(live_server, settings) -> str:
    origin = f"http://localhost:{live_server.thread.port}"
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [origin]
    return origin


def _virtual_authenticator(page: Page) -> None:
    """A platform authenticator with user verification, as in a laptop with a fingerprint reader."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": options})


def _password_step(page: Page, origin: str, identifier: str) -> None:
    page.goto(f"{origin}/login/")
    page.get_by_label("Email or username").fill(identifier)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_user_adds_a_passkey_signs_out_and_signs_back_in_with_it(page, origin):
    enrolled = enrolled_user(email="ada@example.com", username="ada", full_name="Ada Lovelace")
    _virtual_authenticator(page)
    _password_step(page, origin, "ada")
    page.get_by_label("Authentication code").fill(totp_code(enrolled.device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Welcome, Ada Lovelace")).to_be_visible()

    page.goto(f"{origin}/account/security/")
    page.get_by_label("Passkey name").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey").click()

    expect(page).to_have_url(f"{origin}/account/security/")
    expect(page.get_by_role("status")).to_have_text("Work laptop added as a second factor.")
    row = page.get_by_role("row").filter(has_text="Work laptop")
    expect(row.get_by_role("cell", name="Passkey", exact=True)).to_be_visible()
    screenshot(page, "security-passkey-added")
    assert WebAuthnCredential.objects.filter(user=enrolled.user, name="Work laptop").exists()

    page.get_by_label("Account menu for ada@example.com").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{origin}/login/")
    _password_step(page, origin, "ada@example.com")
    expect(page.get_by_role("button", name="Use a passkey")).to_be_visible()
    screenshot(page, "login-verify-passkey")
    page.get_by_role("button", name="Use a passkey").click()

    expect(page).to_have_url(f"{origin}/")
    expect(page.get_by_role("heading", name="Welcome, Ada Lovelace")).to_be_visible()
    signed_in = AuditEvent.objects.filter(user=enrolled.user, action=AuditEvent.Action.LOGIN_SUCCEEDED)
    assert [event.data["method"] for event in signed_in.order_by("created_at")] == ["totp", "webauthn"]
    assert WebAuthnCredential.objects.get(user=enrolled.user).last_used_at is not None
