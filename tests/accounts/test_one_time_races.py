"""One-time credentials under concurrency: one code sent with several sign-ins at once is spent once."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp_webauthn import helpers as webauthn_helpers
from django_otp_webauthn.models import WebAuthnCredential
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import EmailDevice, MFAChallenge, SMSDevice, TOTPDevice, User, code_digest
from accounts.services import mfa
from accounts.services.tokens import token_pair_issue
from tests.accounts.mfa import Enrolled, enrolled_user, mfa_token_for, totp_code
from tests.accounts.soft_authenticator import SoftAuthenticator
from tests.races import race, rendezvous, statuses

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 5
CODE = "424242"
ORIGIN = "http://localhost:8000"


def _sign_ins(user: User, body: dict) -> list[Callable[[], Response]]:
    """One password sign-in per racer, each with its own client and mfa_token, all sending `body`."""
    calls = []
    for _ in range(RACERS):
        client = APIClient()
        token = mfa_token_for(client, user)
        calls.append(
            lambda client=client, token=token: client.post(
                reverse("auth-login-mfa"), {"mfa_token": token, **body}, format="json"
            )
        )
    return calls


def _assert_one_sign_in(responses: list) -> None:
    codes = statuses(responses)
    assert codes.count(200) == 1, codes
    assert all(400 <= code < 500 for code in codes if code != 200), codes
    for response in responses:
        if response.status_code == 200:
            assert {"access_token", "refresh_token"} <= response.json().keys()
        else:
            assert {"detail", "status_code", "error_code"} <= response.json().keys()


def _with_pending_code(enrolled: Enrolled, model: type[EmailDevice] | type[SMSDevice], **fields: str) -> None:
    model.objects.create(
        user=enrolled.user,
        name="code",
        code_digest=code_digest(CODE),
        valid_until=timezone.now() + timedelta(minutes=5),
        **fields,
    )


def test_one_totp_code_with_many_mfa_tokens_signs_in_once():
    enrolled = enrolled_user()
    calls = _sign_ins(enrolled.user, {"code": totp_code(enrolled.device), "method": "totp"})

    _assert_one_sign_in(race(calls))
    enrolled.device.refresh_from_db()
    assert enrolled.device.last_t >= 0


@pytest.mark.parametrize(
    ("model", "method", "fields"), [(EmailDevice, "email", {}), (SMSDevice, "sms", {"phone": "+447700900123"})]
)
def test_one_sent_code_with_many_mfa_tokens_signs_in_once(model, method, fields):
    enrolled = enrolled_user()
    _with_pending_code(enrolled, model, **fields)
    calls = _sign_ins(enrolled.user, {"code": CODE, "method": method})

    _assert_one_sign_in(race(calls))
    assert model.objects.get(user=enrolled.user).code_digest == ""


def test_one_recovery_code_with_many_mfa_tokens_signs_in_once():
    enrolled = enrolled_user()
    calls = _sign_ins(enrolled.user, {"recovery_code": enrolled.recovery_codes[0]})

    _assert_one_sign_in(race(calls))


def test_wrong_codes_at_once_are_all_counted():
    enrolled = enrolled_user()
    wrong = f"{(int(totp_code(enrolled.device)) + 1) % 1_000_000:06d}"
    calls = _sign_ins(enrolled.user, {"code": wrong, "method": "totp"})

    assert 200 not in statuses(race(calls))
    assert TOTPDevice.objects.get(pk=enrolled.device.pk).throttling_failure_count == RACERS


def test_a_cloned_passkey_signing_two_sign_ins_at_once_is_accepted_once(settings, monkeypatch):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]
    enrolled = enrolled_user()
    owner = APIClient()
    owner.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=enrolled.user).access_token}")
    authenticator = SoftAuthenticator()
    options = owner.post(reverse("auth-webauthn-register-begin"), {}, format="json").json()["options"]
    credential = authenticator.create(options, ORIGIN)
    assert (
        owner.post(reverse("auth-webauthn-register-complete"), {"credential": credential}, format="json").status_code
        == 200
    )
    calls = []
    for _ in range(RACERS):
        token = mfa.mfa_challenge_issue(user=enrolled.user, purpose=MFAChallenge.Purpose.LOGIN)
        client = APIClient()
        options = client.post(reverse("auth-webauthn-authenticate-begin"), {"mfa_token": token}, format="json").json()
        authenticator.sign_count = 0  # every clone signs with the same count
        assertion = authenticator.get(options["options"], ORIGIN)
        calls.append(
            lambda client=client, token=token, assertion=assertion: client.post(
                reverse("auth-webauthn-authenticate-complete"),
                {"mfa_token": token, "credential": assertion},
                format="json",
            )
        )

    # Every racer has read the stored count and checked its signature against it before any writes the
    # new count back: without the lock on the user's passkeys, all five would pass the comparison.
    all_read = rendezvous(RACERS)
    verify = webauthn_helpers.verify_authentication_response
    monkeypatch.setattr(
        webauthn_helpers, "verify_authentication_response", lambda **kwargs: (verify(**kwargs), all_read())[0]
    )

    _assert_one_sign_in(race(calls))
    assert WebAuthnCredential.objects.get(user=enrolled.user).sign_count == 1
