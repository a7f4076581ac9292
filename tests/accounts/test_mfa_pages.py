"""The dashboard's second factor: enrolling at sign-up, the sign-in step, the session gate, security settings."""

import re
from base64 import b32encode
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    EmailDevice,
    MFAChallenge,
    RecoveryCode,
    SMSDevice,
    TOTPDevice,
    User,
    code_digest,
)
from audit.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import Enrolled, enrolled_user, session_login, totp_code

pytestmark = pytest.mark.django_db

VERIFY = reverse("login-verify")
ENROLL = reverse("mfa-enroll")
HOME = reverse("home")
SECURITY = reverse("security")
RECOVERY_CODE = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")
EMAILED_CODE = re.compile(r"Your Bastion code is (\d{6})")


def _signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def _password_step(client: Client, user: User, *, next_url: str = ""):
    url = f"{reverse('login')}?next={next_url}" if next_url else reverse("login")
    return client.post(url, {"identifier": user.email, "password": DEFAULT_PASSWORD})


def _register(client: Client, **overrides: str):
    data = {"email": "ada@example.com", "username": "ada", "full_name": "Ada Lovelace", "password": DEFAULT_PASSWORD}
    return client.post(reverse("register"), data | overrides)


def _pending_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def _codes_work(user: User, codes: list[str]) -> bool:
    digests = set(RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).values_list("digest", flat=True))
    return all(code_digest(code) in digests for code in codes)


# --- Sign-up leads to enrollment -------------------------------------------------------------------


def test_signing_up_leads_to_setting_up_a_second_factor_without_signing_in(client):
    response = _register(client)

    assert response.status_code == 302
    assert response.url == ENROLL
    assert _signed_in_user_id(client) is None
    page = client.get(ENROLL)
    assert page.status_code == 200
    user = User.objects.get(email="ada@example.com")
    device = _pending_totp(user)
    secret = page.context["totp"]["secret"]
    assert b32encode(device.bin_key).decode() == secret
    assert f'data-secret="{secret}"' in page.text
    assert "<svg" in page.text
    assert "Set up two-step verification" in page.text


def test_enrolling_an_authenticator_app_shows_ten_recovery_codes_once_then_signs_in(client):
    _register(client)
    client.get(ENROLL)
    user = User.objects.get(email="ada@example.com")

    response = client.post(ENROLL, {"action": "confirm", "code": totp_code(_pending_totp(user))})

    assert response.status_code == 200
    codes = RECOVERY_CODE.findall(response.text)
    assert len(codes) == 10
    assert _codes_work(user, codes)
    assert "no-store" in response["Cache-Control"]
    assert _signed_in_user_id(client) == str(user.pk)
    assert client.session["mfa_verified"] is True
    assert f'href="{HOME}"' in response.text
    assert TOTPDevice.objects.get(user=user).confirmed
    assert MFAChallenge.objects.get(user=user, purpose=MFAChallenge.Purpose.ENROLL).used_at is not None
    home = client.get(HOME)
    assert home.status_code == 200
    assert not set(codes) & set(RECOVERY_CODE.findall(home.text))
    assert not RECOVERY_CODE.findall(client.get(SECURITY).text)


def test_a_code_typed_with_a_space_is_accepted(client):
    _register(client)
    client.get(ENROLL)
    code = totp_code(_pending_totp(User.objects.get(email="ada@example.com")))

    response = client.post(ENROLL, {"action": "confirm", "code": f"{code[:3]} {code[3:]}"})

    assert len(RECOVERY_CODE.findall(response.text)) == 10


def test_a_wrong_enrollment_code_is_refused_and_the_same_key_is_shown_again(client):
    _register(client)
    secret = client.get(ENROLL).context["totp"]["secret"]

    response = client.post(ENROLL, {"action": "confirm", "code": "000000"})

    assert response.status_code == 400
    assert response.context["code_form"].errors["code"] == [
        "That code is wrong or has expired. Check it and try again."
    ]
    assert response.context["totp"]["secret"] == secret
    assert client.get(ENROLL).context["totp"]["secret"] == secret
    assert _signed_in_user_id(client) is None
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_a_pending_enrollment_reaches_no_page_of_a_signed_in_user(client):
    _register(client)

    for url in (HOME, SECURITY, reverse("admin:index"), "/account/password/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response.url, url
    assert _signed_in_user_id(client) is None


def test_enrolling_with_email_codes(client):
    _register(client)

    page = client.get(f"{ENROLL}?method=email")
    assert "ada@example.com" in page.text
    assert 'name="code"' not in page.text
    sent = client.post(f"{ENROLL}?method=email", {"action": "send"}, follow=True)
    assert "We sent a code to a***@example.com" in sent.text
    assert 'name="code"' in sent.text
    code = EMAILED_CODE.search(mail.outbox[-1].body)[1]
    response = client.post(f"{ENROLL}?method=email", {"action": "confirm", "code": code})

    assert len(RECOVERY_CODE.findall(response.text)) == 10
    assert EmailDevice.objects.get(user__email="ada@example.com").confirmed
    assert client.get(HOME).status_code == 200


def test_enrolling_with_text_messages_checks_the_number(client, capsys):
    _register(client)

    refused = client.post(f"{ENROLL}?method=sms", {"action": "send", "phone": "07700 900123"})
    assert refused.status_code == 400
    assert "international form" in refused.context["phone_form"].errors["phone"][0]

    client.post(f"{ENROLL}?method=sms", {"action": "send", "phone": "+447700900123"})
    code = EMAILED_CODE.search(capsys.readouterr().out)[1]
    response = client.post(f"{ENROLL}?method=sms", {"action": "confirm", "code": code})

    assert len(RECOVERY_CODE.findall(response.text)) == 10
    assert SMSDevice.objects.get(user__email="ada@example.com").phone == "+447700900123"


def test_an_expired_enrollment_sends_back_to_sign_in(client):
    _register(client)
    MFAChallenge.objects.update(expires_at=timezone.now())

    response = client.get(ENROLL, follow=True)

    assert response.redirect_chain == [(reverse("login"), 302)]
    assert "That setup link has expired" in response.text


# --- Sign-in with the second step ----------------------------------------------------------------------


def test_a_correct_password_leads_to_the_code_step_not_to_a_session(client, enrolled):
    response = _password_step(client, enrolled.user)

    assert response.status_code == 302
    assert response.url == VERIFY
    assert _signed_in_user_id(client) is None
    assert client.get(HOME).status_code == 302
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert "Open your authenticator app" in page.text
    assert f'href="{VERIFY}?recovery=1"' in page.text


def test_a_code_from_the_app_signs_in_and_returns_to_the_page_asked_for(client, enrolled):
    _password_step(client, enrolled.user, next_url="/docs")

    response = client.post(VERIFY, {"code": totp_code(enrolled.device)})

    assert response.status_code == 302
    assert response.url == "/docs"
    assert _signed_in_user_id(client) == str(enrolled.user.pk)
    assert client.session["mfa_verified"] is True
    assert client.get(HOME).status_code == 200
    event = AuditEvent.objects.filter(user=enrolled.user, action=AuditEvent.Action.LOGIN_SUCCEEDED).get()
    assert event.data == {"method": "totp"}


def test_the_code_step_never_returns_to_another_site(client, enrolled):
    _password_step(client, enrolled.user, next_url="https://evil.example/")

    response = client.post(VERIFY, {"code": totp_code(enrolled.device)})

    assert response.url == HOME


def test_a_wrong_code_is_refused_on_the_page(client, enrolled):
    _password_step(client, enrolled.user)

    response = client.post(VERIFY, {"code": "000000"})

    assert response.status_code == 400
    assert "That code is wrong or has expired" in response.text
    assert _signed_in_user_id(client) is None
    assert AuditEvent.objects.filter(user=enrolled.user, action=AuditEvent.Action.LOGIN_MFA_FAILED).count() == 1


def test_a_recovery_code_signs_in_once(client, enrolled):
    _password_step(client, enrolled.user)
    page = client.get(f"{VERIFY}?recovery=1")
    assert "Recovery code" in page.text

    response = client.post(f"{VERIFY}?recovery=1", {"recovery_code": enrolled.recovery_codes[0]})

    assert response.url == HOME
    assert _signed_in_user_id(client) == str(enrolled.user.pk)
    assert "a recovery code was used" in mail.outbox[-1].subject
    client.post(reverse("logout"))
    _password_step(client, enrolled.user)
    again = client.post(f"{VERIFY}?recovery=1", {"recovery_code": enrolled.recovery_codes[0]})
    assert again.status_code == 400
    assert _signed_in_user_id(client) is None


def test_an_emailed_code_signs_in(client):
    user = UserFactory()
    EmailDevice.objects.create(user=user, name="Email", confirmed=True)
    _password_step(client, user)
    page = client.get(VERIFY)
    assert "Email me a code" in page.text

    sent = client.post(reverse("login-code-send"), {"method": "email"}, follow=True)
    assert sent.redirect_chain == [(f"{VERIFY}?method=email", 302)]
    assert "We sent a code to u***@example.com" in sent.text
    code = EMAILED_CODE.search(mail.outbox[-1].body)[1]
    response = client.post(f"{VERIFY}?method=email", {"code": code})

    assert response.url == HOME
    assert _signed_in_user_id(client) == str(user.pk)


def test_an_account_with_an_app_can_ask_for_a_code_by_email_too(client, enrolled):
    EmailDevice.objects.create(user=enrolled.user, name="Email", confirmed=True)
    _password_step(client, enrolled.user)

    page = client.get(VERIFY)

    assert f'href="{VERIFY}?method=email"' in page.text
    assert "Email me a code" in client.get(f"{VERIFY}?method=email").text


def test_five_wrong_codes_end_the_sign_in(client, enrolled):
    _password_step(client, enrolled.user)
    for _ in range(MFAChallenge.MAX_ATTEMPTS - 1):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 400

    response = client.post(VERIFY, {"code": "000000"}, follow=True)

    assert response.redirect_chain == [(reverse("login"), 302)]
    assert "Too many wrong codes for this sign-in" in response.text
    after = client.post(VERIFY, {"code": totp_code(enrolled.device)})
    assert after.url == reverse("login")
    assert _signed_in_user_id(client) is None


def test_an_expired_code_step_sends_back_to_sign_in(client, enrolled):
    _password_step(client, enrolled.user)
    MFAChallenge.objects.update(expires_at=timezone.now())

    response = client.post(VERIFY, {"code": totp_code(enrolled.device)}, follow=True)

    assert response.redirect_chain == [(reverse("login"), 302)]
    assert "This sign-in step has expired or was already used" in response.text
    assert _signed_in_user_id(client) is None


def test_the_code_step_without_a_password_step_sends_to_sign_in(client):
    assert client.get(VERIFY).url == reverse("login")


def test_an_account_without_a_second_factor_is_sent_to_set_one_up(client):
    user = UserFactory()

    response = _password_step(client, user)

    assert response.url == ENROLL
    assert _signed_in_user_id(client) is None
    assert client.get(ENROLL).status_code == 200
    _pending_totp(user)


def test_too_many_passwords_are_refused_for_a_minute(client, enrolled):
    data = {"identifier": enrolled.user.email, "password": "Not-the-password-42"}
    for _ in range(5):
        assert client.post(reverse("login"), data).status_code == 400

    response = client.post(reverse("login"), data | {"password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert "mfa_login_token" not in client.session


# --- The session gate -------------------------------------------------------------------------------------


def test_a_session_without_the_second_factor_is_sent_to_the_code_step(client, enrolled):
    client.force_login(enrolled.user)

    response = client.get(SECURITY)

    assert response.status_code == 302
    assert response.url == VERIFY
    assert _signed_in_user_id(client) is None
    assert client.get(HOME).status_code == 302
    finish = client.post(VERIFY, {"code": totp_code(enrolled.device)})
    assert finish.url == SECURITY
    assert client.get(SECURITY).status_code == 200


def test_an_admin_session_without_the_second_factor_cannot_use_the_admin(client):
    staff = enrolled_user(is_staff=True, is_superuser=True)
    client.force_login(staff.user)

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert response.url == VERIFY
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))


def test_the_admin_sign_in_goes_through_both_steps_of_the_dashboards(client):
    staff = enrolled_user(is_staff=True, is_superuser=True)
    admin_index = reverse("admin:index")

    to_sign_in = client.get(reverse("admin:login"), {"next": admin_index})
    password_step = client.post(to_sign_in.url, {"identifier": staff.user.email, "password": DEFAULT_PASSWORD})

    assert to_sign_in.url.startswith(reverse("login"))
    assert password_step.url.startswith(VERIFY)
    assert _signed_in_user_id(client) is None
    finish = client.post(password_step.url, {"code": totp_code(staff.device)})
    assert finish.url == admin_index
    assert client.get(admin_index).status_code == 200


def test_a_session_of_an_account_without_a_factor_is_sent_to_set_one_up(client):
    client.force_login(UserFactory())

    response = client.get(HOME)

    assert response.url == ENROLL
    assert _signed_in_user_id(client) is None


def test_an_unverified_session_cannot_add_a_factor(client, enrolled):
    client.force_login(enrolled.user)

    response = client.post(f"{ENROLL}?method=email", {"action": "send"})

    assert response.url == VERIFY
    assert not EmailDevice.objects.exists()
    assert not mail.outbox


def test_the_gate_answers_htmx_with_a_full_page_redirect(client, enrolled):
    client.force_login(enrolled.user)

    response = client.get(HOME, headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == VERIFY


@pytest.mark.parametrize("url", ["/health", "/api/v1/health", "/openapi.json"])
def test_the_gate_leaves_api_and_health_alone(client, enrolled, url):
    client.force_login(enrolled.user)

    assert client.get(url).status_code == 200
    assert _signed_in_user_id(client) == str(enrolled.user.pk)


def test_an_unverified_session_can_sign_out(client, enrolled):
    client.force_login(enrolled.user)

    response = client.post(reverse("logout"))

    assert response.url == reverse("login")
    assert _signed_in_user_id(client) is None


def test_a_verified_session_is_let_through(client, enrolled):
    session_login(client, enrolled.user)

    assert client.get(HOME).status_code == 200


# --- Security settings ------------------------------------------------------------------------------------


@pytest.fixture
def two_factors(enrolled) -> Enrolled:
    EmailDevice.objects.create(user=enrolled.user, name="Email u***@example.com", confirmed=True)
    return enrolled


def test_the_security_page_lists_the_factors_and_links_to_the_password_page(client, two_factors):
    session_login(client, two_factors.user)

    response = client.get(SECURITY)

    assert response.status_code == 200
    listed = [(entry["device"].name, entry["label"]) for entry in response.context["devices"]]
    assert listed == [("Authenticator app", "Authenticator app"), ("Email u***@example.com", "Email code")]
    assert 'href="/account/password/"' in response.text
    assert "10 of 10" in response.text
    assert f'href="{ENROLL}?method=totp"' in response.text
    assert f'href="{ENROLL}?method=email"' not in response.text
    assert f'href="{SECURITY}"' in client.get(HOME).text


def test_removing_a_factor_that_is_not_the_last(client, two_factors):
    session_login(client, two_factors.user)
    email_device = EmailDevice.objects.get(user=two_factors.user)

    response = client.post(reverse("security-device-remove", args=[email_device.pk]), follow=True)

    assert response.redirect_chain == [(SECURITY, 302)]
    assert "The second factor was removed." in response.text
    assert not EmailDevice.objects.filter(pk=email_device.pk).exists()
    assert "Second factor removed" in response.text


def test_the_last_factor_cannot_be_removed(client, enrolled):
    session_login(client, enrolled.user)

    response = client.post(reverse("security-device-remove", args=[enrolled.device.pk]), follow=True)

    assert "This is your last second factor" in response.text
    assert TOTPDevice.objects.filter(pk=enrolled.device.pk).exists()


def test_another_users_factor_cannot_be_removed(client, two_factors):
    theirs = enrolled_user()
    EmailDevice.objects.create(user=theirs.user, name="Email", confirmed=True)
    session_login(client, two_factors.user)

    response = client.post(reverse("security-device-remove", args=[theirs.device.pk]), follow=True)

    assert "No such device." in response.text
    assert TOTPDevice.objects.filter(pk=theirs.device.pk).exists()


def test_removing_needs_a_post_with_a_csrf_token(enrolled):
    browser = Client(enforce_csrf_checks=True)
    session_login(browser, enrolled.user)
    url = reverse("security-device-remove", args=[enrolled.device.pk])

    assert browser.get(url).status_code == 405
    assert browser.post(url).status_code == 403


def test_regenerating_recovery_codes_shows_new_ones_once_and_kills_the_old(client, enrolled):
    session_login(client, enrolled.user)

    response = client.post(reverse("security-recovery-codes"))

    assert response.status_code == 200
    codes = RECOVERY_CODE.findall(response.text)
    assert len(codes) == 10
    assert "no-store" in response["Cache-Control"]
    assert _codes_work(enrolled.user, codes)
    assert RecoveryCode.objects.filter(device__user=enrolled.user, used_at__isnull=True).count() == 10
    client.post(reverse("logout"))
    _password_step(client, enrolled.user)
    old = client.post(f"{VERIFY}?recovery=1", {"recovery_code": enrolled.recovery_codes[0]})
    assert old.status_code == 400
    new = client.post(f"{VERIFY}?recovery=1", {"recovery_code": codes[0]})
    assert new.url == HOME


def test_the_security_page_shows_recent_events_with_address_and_browser(enrolled):
    browser = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) TestBrowser/1.0", REMOTE_ADDR="203.0.113.7")
    _password_step(browser, enrolled.user)
    browser.post(VERIFY, {"code": totp_code(enrolled.device)})

    response = browser.get(SECURITY)

    events = response.context["events"]
    assert [event.action for event in events] == [AuditEvent.Action.LOGIN_SUCCEEDED]
    assert "Signed in" in response.text
    assert "203.0.113.7" in response.text
    assert "TestBrowser/1.0" in response.text


def test_the_security_page_shows_only_the_last_twenty_events_of_the_user(client, enrolled):
    other = UserFactory()
    for _ in range(25):
        AuditEvent.objects.create(user=enrolled.user, action=AuditEvent.Action.LOGIN_FAILED)
    AuditEvent.objects.create(user=other, action=AuditEvent.Action.PASSWORD_CHANGED)
    session_login(client, enrolled.user)

    events = client.get(SECURITY).context["events"]

    assert len(events) == 20
    assert {event.user_id for event in events} == {enrolled.user.pk}


def test_a_signed_in_user_adds_an_authenticator_app(client, enrolled):
    session_login(client, enrolled.user)
    page = client.get(f"{ENROLL}?method=totp")
    assert "Add a second factor" in page.text

    response = client.post(ENROLL, {"action": "confirm", "code": totp_code(_pending_totp(enrolled.user))}, follow=True)

    assert response.redirect_chain == [(SECURITY, 302)]
    assert "Authenticator app added as a second factor." in response.text
    assert TOTPDevice.objects.filter(user=enrolled.user, confirmed=True).count() == 2
    assert _codes_work(enrolled.user, enrolled.recovery_codes)


def test_the_security_page_needs_a_signed_in_user(client):
    response = client.get(SECURITY)

    assert response.url == f"{reverse('login')}?next={SECURITY}"


# --- The demo account ---------------------------------------------------------------------------------------


def test_the_demo_account_signs_in_with_what_the_command_prints_and_stays_single(client):
    call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()

    password = re.search(r"password: (\S+)", printed)[1]
    code = re.search(r"code now: (\d{6})", printed)[1]
    assert "BAST IOND EMOT OTPS ECRE TFOR LOCA LUSE" in printed
    client.post(reverse("login"), {"identifier": "demo", "password": password})
    response = client.post(VERIFY, {"code": code})

    assert response.url == HOME
    assert User.objects.filter(email="demo@bastion.local").count() == 1
    assert TOTPDevice.objects.filter(user__email="demo@bastion.local", confirmed=True).count() == 1
    printed_codes = re.findall(r"\b[a-z2-9]{5}-[a-z2-9]{5}\b", printed)
    assert len(printed_codes) == 10
    assert _codes_work(User.objects.get(email="demo@bastion.local"), printed_codes)
