"""Mandatory MFA in real Chromium: setting up an authenticator app, signing in with it or a recovery code."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import EmailDevice, RecoveryCode
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import enrolled_user, totp_code
from tests.e2e.conftest import screenshot, sign_in, totp_now

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECOVERY_CODE = re.compile(r"^[a-z2-9]{5}-[a-z2-9]{5}$")


def _password_step(page: Page, identifier: str) -> None:
    page.goto("/login/")
    page.get_by_label("Email or username").fill(identifier)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sign_up_set_up_an_authenticator_app_save_the_codes_and_sign_in_again(page, live_server):
    page.goto("/register/")
    page.get_by_label("Email", exact=True).fill("ada@example.com")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_server.url}/mfa/enroll/")
    expect(page.get_by_label("QR code for your authenticator app").locator("svg")).to_be_visible()
    screenshot(page, "mfa-enroll")
    page.get_by_text("Can’t scan it? Enter the key by hand").click()
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    expect(page.locator("#totp-secret")).to_have_text(" ".join(re.findall(".{1,4}", secret)))
    screenshot(page, "mfa-enroll-key")

    page.get_by_label("Authentication code").fill(totp_now(secret))
    page.get_by_role("button", name="Verify and continue").click()

    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    assert all(RECOVERY_CODE.match(code) for code in codes)
    page.get_by_role("button", name="Copy codes").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == "\n".join(codes)
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="I have saved them, continue").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Welcome, Ada Lovelace")).to_be_visible()
    page.get_by_label("Account menu for ada@example.com").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/login/")

    # The code from enrolling is spent: the app's next code signs in.
    _password_step(page, "ada")
    expect(page).to_have_url(f"{live_server.url}/login/verify/")
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    screenshot(page, "login-mfa")
    page.get_by_label("Authentication code").fill(totp_now(secret, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Welcome, Ada Lovelace")).to_be_visible()


def test_a_wrong_code_is_refused_and_a_recovery_code_signs_in(page, live_server):
    enrolled = enrolled_user()
    _password_step(page, enrolled.user.email)

    page.get_by_label("Authentication code").fill("000000")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Verify").click()
    assert answer.value.status == 400
    expect(page.get_by_role("alert")).to_have_text("That code is wrong or has expired. Check it and try again.")
    screenshot(page, "login-mfa-error")

    page.get_by_role("link", name="Use a recovery code").click()
    page.get_by_label("Recovery code").fill(enrolled.recovery_codes[3])
    screenshot(page, "login-recovery-code")
    page.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(f"{live_server.url}/")
    assert RecoveryCode.objects.filter(device__user=enrolled.user, used_at__isnull=False).count() == 1


def test_signing_in_with_a_code_sent_by_email(page, live_server):
    user = UserFactory()
    EmailDevice.objects.create(user=user, name="Email", confirmed=True)
    _password_step(page, user.email)

    expect(page.get_by_text("Enter the 6-digit code we emailed you.")).to_be_visible()
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("status")).to_have_text(
        f"We sent a code to {user.email[0]}***@example.com. It expires in 10 minutes."
    )
    screenshot(page, "login-mfa-email")
    code = re.search(r"Your Bastion code is (\d{6})", mail.outbox[-1].body)[1]
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(f"{live_server.url}/")


def test_five_wrong_codes_send_the_visitor_back_to_the_password(page, live_server):
    enrolled = enrolled_user()
    _password_step(page, enrolled.user.email)

    for _ in range(5):
        page.get_by_label("Authentication code").fill("000000")
        page.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_role("status")).to_have_text(
        "Too many wrong codes for this sign-in: sign in again with your password."
    )


def test_the_security_page_manages_factors_and_recovery_codes(page, live_server):
    enrolled = enrolled_user(full_name="Grace Hopper")
    EmailDevice.objects.create(user=enrolled.user, name="Email u***@example.com", confirmed=True)
    sign_in(page, enrolled.user.email, totp_code(enrolled.device))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Security").click()
    expect(page).to_have_url(f"{live_server.url}/account/security/")
    factors = page.get_by_role("table").first
    expect(factors.get_by_role("row")).to_have_count(3)
    expect(page.get_by_role("cell", name="Signed in")).to_be_visible()
    screenshot(page, "security")

    page.get_by_role("button", name="Remove Email u***@example.com").click()
    expect(page.get_by_role("status")).to_have_text("The second factor was removed.")
    page.get_by_role("button", name="Remove Authenticator app").click()
    expect(page.get_by_role("status")).to_have_text("This is your last second factor: add another before removing it.")
    expect(factors.get_by_role("row")).to_have_count(2)

    page.get_by_role("button", name="Regenerate codes").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    assert not set(codes) & set(enrolled.recovery_codes)
    page.get_by_role("link", name="I have saved them, continue").click()
    expect(page.get_by_text("10 of 10")).to_be_visible()


def test_a_signed_in_user_adds_email_codes(page, live_server):
    enrolled = enrolled_user()
    sign_in(page, enrolled.user.email, totp_code(enrolled.device))
    page.goto("/account/security/")

    page.get_by_role("link", name="Add email codes").click()
    expect(page.get_by_role("heading", name="Add a second factor")).to_be_visible()
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("status")).to_contain_text("We sent a code to")
    code = re.search(r"Your Bastion code is (\d{6})", mail.outbox[-1].body)[1]
    screenshot(page, "mfa-enroll-email")
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Verify and continue").click()

    expect(page).to_have_url(f"{live_server.url}/account/security/")
    expect(page.get_by_role("status")).to_have_text(
        f"Email {enrolled.user.email[0]}***@example.com added as a second factor."
    )
    expect(page.get_by_role("cell", name="Email code")).to_be_visible()


def test_setting_up_and_the_code_step_fit_a_phone_screen(page, live_server):
    enrolled = enrolled_user()
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/register/")
    page.get_by_label("Email", exact=True).fill("grace@example.com")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "mfa-enroll-phone")

    _password_step(page, enrolled.user.email)
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "login-mfa-phone")
