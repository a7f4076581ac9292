"""Signing in through the API: no path yields a usable token without a second factor."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import EmailDevice, MFAChallenge, RecoveryCode
from accounts.ratelimits import LOGIN_ADDRESS_FAILURES
from audit.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import api_login, enrolled_user, mfa_token_for, totp_code
from tests.races import race
from tests.races import statuses as race_statuses

LOGIN = reverse("auth-login")
LOGIN_MFA = reverse("auth-login-mfa")
SEND_CODE = reverse("auth-login-mfa-send-code")
ME = reverse("auth-me")


def _second_step(api_client, token, **fields):
    return api_client.post(LOGIN_MFA, {"mfa_token": token, **fields}, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["email", "username"])
def test_a_correct_password_gives_an_mfa_token_not_tokens(api_client, enrolled, field):
    response = api_client.post(
        LOGIN, {field: getattr(enrolled.user, field).upper(), "password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"mfa_required", "mfa_token", "methods", "expires_in"}
    assert body["mfa_required"] is True
    assert body["methods"] == ["totp", "recovery_code"]
    assert "access_token" not in body
    # The mfa_token is not a credential for anything else.
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['mfa_token']}")
    assert api_client.get(ME).status_code == 401


@pytest.mark.django_db
def test_the_second_step_with_a_totp_code_returns_the_token_pair(api_client, enrolled):
    pair = api_login(api_client, enrolled)

    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access_token']}")
    assert api_client.get(ME).json()["email"] == enrolled.user.email
    event = AuditEvent.objects.get(user=enrolled.user, action=AuditEvent.Action.LOGIN_SUCCEEDED)
    assert event.data == {"method": "totp"}
    assert event.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_a_totp_code_cannot_be_replayed(api_client, enrolled):
    code = totp_code(enrolled.device)
    assert _second_step(api_client, mfa_token_for(api_client, enrolled.user), code=code).status_code == 200

    replay = _second_step(api_client, mfa_token_for(api_client, enrolled.user), code=code)

    assert replay.status_code == 401
    assert replay.json()["error_code"] == "INVALID_MFA_CODE"


@pytest.mark.django_db
def test_an_mfa_token_is_single_use(api_client, enrolled):
    token = mfa_token_for(api_client, enrolled.user)
    assert _second_step(api_client, token, code=totp_code(enrolled.device)).status_code == 200

    again = _second_step(api_client, token, code=totp_code(enrolled.device, steps_ahead=1))

    assert again.status_code == 401
    assert again.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_an_expired_mfa_token_is_refused(api_client, enrolled):
    token = mfa_token_for(api_client, enrolled.user)
    MFAChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _second_step(api_client, token, code=totp_code(enrolled.device))

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_five_wrong_codes_kill_the_mfa_token_even_for_the_right_code(api_client, enrolled):
    token = mfa_token_for(api_client, enrolled.user)
    statuses = [_second_step(api_client, token, code="000000").status_code for _ in range(5)]

    right = _second_step(api_client, token, code=totp_code(enrolled.device))

    assert statuses == [401, 401, 401, 401, 429]
    assert right.status_code == 429
    assert right.json()["error_code"] == "RATE_LIMIT_EXCEEDED"
    assert AuditEvent.objects.filter(user=enrolled.user, action=AuditEvent.Action.LOGIN_MFA_FAILED).count() == 5


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once_is_audited_and_emailed(api_client, enrolled):
    code = enrolled.recovery_codes[3]

    first = _second_step(api_client, mfa_token_for(api_client, enrolled.user), recovery_code=code.upper())
    reuse = _second_step(api_client, mfa_token_for(api_client, enrolled.user), recovery_code=code)

    assert first.status_code == 200
    assert "access_token" in first.json()
    assert reuse.status_code == 401
    assert AuditEvent.objects.filter(user=enrolled.user, action=AuditEvent.Action.RECOVERY_CODE_USED).count() == 1
    assert len(mail.outbox) == 1
    assert "recovery code was just used" in mail.outbox[0].body
    assert "9 remain" in mail.outbox[0].body
    assert code not in mail.outbox[0].body


@pytest.mark.django_db
def test_recovery_codes_are_stored_as_digests(enrolled):
    stored = list(RecoveryCode.objects.values_list("digest", flat=True))

    assert len(stored) == 10
    assert not set(stored) & {code.replace("-", "") for code in enrolled.recovery_codes}
    assert not set(stored) & set(enrolled.recovery_codes)


@pytest.mark.django_db
def test_an_account_without_a_second_factor_must_enroll_first(api_client):
    user = UserFactory()

    response = api_client.post(LOGIN, {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 401
    body = response.json()
    assert body["error_code"] == "MFA_REQUIRED"
    assert body["enrollment_token"]
    assert "access_token" not in body


@pytest.mark.django_db
def test_an_enrollment_token_works_nowhere_else(api_client):
    user = UserFactory()
    token = api_client.post(LOGIN, {"email": user.email, "password": DEFAULT_PASSWORD}, format="json").json()[
        "enrollment_token"
    ]

    as_bearer = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    as_mfa_token = _second_step(api_client, token, code="123456")

    assert as_bearer.status_code == 401
    assert as_mfa_token.status_code == 401
    assert as_mfa_token.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_an_email_code_can_be_sent_and_used_for_the_second_step(api_client):
    enrolled = enrolled_user()
    EmailDevice.objects.create(user=enrolled.user, name="Email")
    step = api_client.post(LOGIN, {"email": enrolled.user.email, "password": DEFAULT_PASSWORD}, format="json").json()
    token = step["mfa_token"]

    sent = api_client.post(SEND_CODE, {"mfa_token": token, "method": "email"}, format="json")
    code = mail.outbox[-1].body.split("code is ")[1][:6]
    response = _second_step(api_client, token, code=code, method="email")

    assert step["methods"] == ["totp", "email", "recovery_code"]
    assert sent.status_code == 202
    assert sent.json()["sent_to"].endswith("@example.com")
    assert response.status_code == 200
    assert code not in str(EmailDevice.objects.values())


@pytest.mark.django_db
def test_codes_cannot_be_sent_without_limit(api_client, enrolled):
    EmailDevice.objects.create(user=enrolled.user, name="Email")
    token = mfa_token_for(api_client, enrolled.user)

    statuses = [
        api_client.post(SEND_CODE, {"mfa_token": token, "method": "email"}, format="json").status_code for _ in range(4)
    ]

    assert statuses == [202, 202, 202, 429]


@pytest.mark.django_db
def test_asking_for_a_code_by_a_method_the_account_lacks_is_refused(api_client, enrolled):
    token = mfa_token_for(api_client, enrolled.user)

    response = api_client.post(SEND_CODE, {"mfa_token": token, "method": "sms"}, format="json")

    assert response.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"mfa_token": "x"},
        {"mfa_token": "x", "code": "1", "recovery_code": "2"},
        {"mfa_token": 5, "code": "123456"},
        {"mfa_token": "x", "code": 123456},
        {"mfa_token": "x", "code": "123456", "method": "carrier-pigeon"},
        {"mfa_token": "x" * 500, "code": "123456"},
    ],
)
def test_the_second_step_reports_bad_input(api_client, payload):
    response = api_client.post(LOGIN_MFA, payload, format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"


@pytest.mark.django_db
def test_an_unknown_mfa_token_is_refused(api_client):
    response = _second_step(api_client, "made-up-token", code="123456")

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_a_deactivated_account_cannot_finish_signing_in(api_client, enrolled):
    token = mfa_token_for(api_client, enrolled.user)
    enrolled.user.is_active = False
    enrolled.user.save()

    response = _second_step(api_client, token, code=totp_code(enrolled.device))

    assert response.status_code == 401


@pytest.mark.django_db
def test_login_is_limited_to_five_attempts_a_minute_per_account(api_client, enrolled):
    statuses = []
    for attempt in range(6):
        # Each from another address: the per-account limit must hold on its own.
        response = api_client.post(
            LOGIN,
            {"email": enrolled.user.email, "password": "Wrong-password-1"},
            format="json",
            REMOTE_ADDR=f"10.0.0.{attempt + 1}",
        )
        statuses.append(response.status_code)

    assert statuses == [401, 401, 401, 401, 401, 429]
    assert response["Retry-After"] == "60"
    assert response.json()["error_code"] == "RATE_LIMIT_EXCEEDED"


@pytest.mark.django_db
def test_failed_sign_ins_are_limited_per_address_across_accounts(api_client):
    # Fifty failures a minute per address (LOGIN_ADDRESS_FAILURES), each against another name.
    statuses = [
        api_client.post(LOGIN, {"email": f"ghost{n}@example.com", "password": "Wrong-password-1"}, format="json")
        for n in range(LOGIN_ADDRESS_FAILURES + 1)
    ]

    assert [response.status_code for response in statuses] == [401] * LOGIN_ADDRESS_FAILURES + [429]


@pytest.mark.django_db
def test_successful_sign_ins_from_one_address_cost_nothing(api_client):
    # An office behind one NAT address at 9:00.
    accounts = [UserFactory() for _ in range(30)]

    answers = [
        api_client.post(LOGIN, {"email": user.email, "password": DEFAULT_PASSWORD}, format="json").json()
        for user in accounts
    ]
    guesses = [
        api_client.post(LOGIN, {"email": accounts[0].email, "password": "Wrong-password-1"}, format="json").status_code
        for _ in range(6)
    ]

    # Not enrolled yet, so a right password is answered MFA_REQUIRED, never a 429.
    assert [answer["error_code"] for answer in answers] == ["MFA_REQUIRED"] * 30
    assert guesses == [401] * 5 + [429]


@pytest.mark.django_db
def test_a_correct_password_does_not_spend_the_account_budget(api_client, enrolled):
    tokens = {mfa_token_for(api_client, enrolled.user) for _ in range(8)}

    assert len(tokens) == 8


@pytest.mark.django_db
def test_guessing_is_stopped_at_five_however_the_account_is_spelled(api_client):
    user = UserFactory(email="sam@example.com", username="samuel")
    spellings = [
        "sam@example.com",
        "samuel",
        "SAM@Example.COM",
        "\u017fam@example.com",
        "\uff33\uff41\uff4d\uff55\uff45\uff4c",
    ]

    statuses = [
        api_client.post(LOGIN, {"email": spelling, "password": "Wrong-password-1"}, format="json").status_code
        for spelling in [*spellings, "SAMUEL"]
    ]
    right = api_client.post(LOGIN, {"username": "samuel", "password": DEFAULT_PASSWORD}, format="json")

    assert statuses == [401] * 5 + [429]
    assert right.status_code == 429
    assert AuditEvent.objects.filter(user=user, action=AuditEvent.Action.LOGIN_FAILED).count() == 5


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_are_stopped_at_five():
    user = UserFactory()

    def guess():
        return APIClient().post(LOGIN, {"email": user.email, "password": "Wrong-password-1"}, format="json")

    assert race_statuses(race([guess] * 8)) == [401] * 5 + [429] * 3


@pytest.mark.django_db
def test_login_does_not_reveal_whether_an_account_exists(api_client, enrolled):
    known = api_client.post(LOGIN, {"email": enrolled.user.email, "password": "Wrong-password-1"}, format="json")
    unknown = api_client.post(LOGIN, {"email": "ghost@example.com", "password": "Wrong-password-1"}, format="json")

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert AuditEvent.objects.filter(user=enrolled.user, action=AuditEvent.Action.LOGIN_FAILED).count() == 1
