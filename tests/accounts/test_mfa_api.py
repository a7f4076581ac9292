"""Enrolling and managing second factors through the API."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import EmailDevice, MFAChallenge, RecoveryCodeDevice, SMSDevice, TOTPDevice, User
from accounts.services import mfa
from audit.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.accounts.mfa import api_login, enrolled_user, mfa_token_for, totp_code
from tests.accounts.twilio_server import ACCOUNT_SID, AUTH_TOKEN, twilio_server
from tests.races import race, statuses

REGISTER = reverse("auth-register")
ENROLL = reverse("auth-mfa-enroll")
CONFIRM = reverse("auth-mfa-confirm")
DEVICES = reverse("auth-mfa-devices")
RECOVERY = reverse("auth-recovery-codes")
EVENTS = reverse("auth-security-events")
LOGIN = reverse("auth-login")
LOGIN_MFA = reverse("auth-login-mfa")
ME = reverse("auth-me")


def _register(api_client) -> str:
    payload = {"email": "new@example.com", "username": "newbie", "password": DEFAULT_PASSWORD}
    return api_client.post(REGISTER, payload, format="json").json()["enrollment_token"]


def _device_code(device_id: str) -> str:
    return totp_code(TOTPDevice.objects.get(pk=device_id))


@pytest.mark.django_db
def test_sign_up_with_totp_from_register_to_signed_in(api_client):
    token = _register(api_client)

    started = api_client.post(ENROLL, {"method": "totp", "enrollment_token": token}, format="json")
    assert started.status_code == 200
    body = started.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/Bastion:new%40example.com?secret=")
    assert body["secret"] in body["otpauth_uri"]
    assert body["qr_svg"].startswith("<svg")

    confirmed = api_client.post(
        CONFIRM, {"method": "totp", "code": _device_code(body["device_id"]), "enrollment_token": token}, format="json"
    )

    assert confirmed.status_code == 200
    result = confirmed.json()
    assert result["device"]["method"] == "totp"
    assert len(result["recovery_codes"]) == 10
    assert len(set(result["recovery_codes"])) == 10
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {result['access_token']}")
    assert api_client.get(ME).json()["mfa_enrolled"] is True
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MFA_DEVICE_ADDED, data={"method": "totp"}).exists()


@pytest.mark.django_db
def test_the_enrollment_token_is_spent_once_enrollment_is_confirmed(api_client):
    token = _register(api_client)
    device_id = api_client.post(ENROLL, {"method": "totp", "enrollment_token": token}, format="json").json()[
        "device_id"
    ]
    api_client.post(
        CONFIRM, {"method": "totp", "code": _device_code(device_id), "enrollment_token": token}, format="json"
    )

    again = api_client.post(ENROLL, {"method": "totp", "enrollment_token": token}, format="json")

    assert again.status_code == 401
    assert again.json()["error_code"] == "INVALID_TOKEN"


def _second_enrollment_token(api_client) -> str:
    """Sign in with the password before enrolling: the MFA_REQUIRED answer carries another enrollment token."""
    response = api_client.post(LOGIN, {"email": "new@example.com", "password": DEFAULT_PASSWORD}, format="json")
    assert response.json()["error_code"] == "MFA_REQUIRED"
    return response.json()["enrollment_token"]


def _enroll_totp(api_client, token: str):
    device_id = api_client.post(ENROLL, {"method": "totp", "enrollment_token": token}, format="json").json()[
        "device_id"
    ]
    return api_client.post(
        CONFIRM, {"method": "totp", "code": _device_code(device_id), "enrollment_token": token}, format="json"
    )


@pytest.mark.django_db
def test_a_second_enrollment_token_dies_once_the_account_has_a_factor(api_client):
    first = _register(api_client)
    second = _second_enrollment_token(api_client)
    assert _enroll_totp(api_client, first).status_code == 200

    started = api_client.post(ENROLL, {"method": "totp", "enrollment_token": second}, format="json")
    confirmed = api_client.post(
        CONFIRM, {"method": "totp", "code": "123456", "enrollment_token": second}, format="json"
    )

    assert started.status_code == 401
    assert started.json()["error_code"] == "INVALID_TOKEN"
    assert confirmed.status_code == 401
    assert "access_token" not in confirmed.json()
    assert TOTPDevice.objects.filter(user__email="new@example.com").count() == 1


@pytest.mark.django_db
def test_an_enrollment_begun_with_a_second_token_cannot_be_confirmed_after_the_first_factor(api_client):
    first = _register(api_client)
    second = _second_enrollment_token(api_client)
    api_client.post(ENROLL, {"method": "email", "enrollment_token": second}, format="json")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert _enroll_totp(api_client, first).status_code == 200

    confirmed = api_client.post(CONFIRM, {"method": "email", "code": code, "enrollment_token": second}, format="json")

    assert confirmed.status_code == 401
    assert confirmed.json()["error_code"] == "INVALID_TOKEN"
    assert "access_token" not in confirmed.json()
    assert not EmailDevice.objects.filter(user__email="new@example.com", confirmed=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_enrollment_tokens_confirming_at_once_add_one_first_factor():
    setup = APIClient()
    first = _register(setup)
    second = _second_enrollment_token(setup)
    device_id = setup.post(ENROLL, {"method": "totp", "enrollment_token": first}, format="json").json()["device_id"]
    setup.post(ENROLL, {"method": "email", "enrollment_token": second}, format="json")
    email_code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    bodies = [
        {"method": "totp", "code": _device_code(device_id), "enrollment_token": first},
        {"method": "email", "code": email_code, "enrollment_token": second},
    ]

    responses = race([lambda body=body: APIClient().post(CONFIRM, body, format="json") for body in bodies])

    assert statuses(responses) == [200, 401]
    user = User.objects.get(email="new@example.com")
    assert len(mfa.user_devices(user=user)) == 1
    assert RecoveryCodeDevice.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_an_expired_enrollment_token_is_refused(api_client):
    token = _register(api_client)
    MFAChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = api_client.post(ENROLL, {"method": "totp", "enrollment_token": token}, format="json")

    assert response.status_code == 401


@pytest.mark.django_db
def test_enrolling_needs_a_token_of_some_kind(api_client):
    response = api_client.post(ENROLL, {"method": "totp"}, format="json")

    assert response.status_code == 401
    assert response.json()["error_code"] == "NOT_AUTHENTICATED"


@pytest.mark.django_db
def test_a_wrong_confirmation_code_leaves_the_device_unconfirmed(api_client):
    token = _register(api_client)
    api_client.post(ENROLL, {"method": "totp", "enrollment_token": token}, format="json")

    response = api_client.post(CONFIRM, {"method": "totp", "code": "000000", "enrollment_token": token}, format="json")

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_MFA_CODE"
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


@pytest.mark.django_db
def test_confirming_without_starting_is_a_validation_error(auth_client):
    response = auth_client.post(CONFIRM, {"method": "email", "code": "123456"}, format="json")

    assert response.status_code == 422
    assert "method" in response.json()["errors"]


@pytest.mark.django_db
def test_the_totp_secret_is_encrypted_at_rest(api_client):
    token = _register(api_client)
    secret_hex = TOTPDevice.objects.get(
        pk=api_client.post(ENROLL, {"method": "totp", "enrollment_token": token}, format="json").json()["device_id"]
    ).key

    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_totpdevice")
        (stored,) = cursor.fetchone()

    assert secret_hex not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token


@pytest.mark.django_db
def test_enrolling_email_sends_a_code_that_confirms_it(api_client):
    token = _register(api_client)

    started = api_client.post(ENROLL, {"method": "email", "enrollment_token": token}, format="json")
    code = mail.outbox[-1].body.split("code is ")[1][:6]
    confirmed = api_client.post(CONFIRM, {"method": "email", "code": code, "enrollment_token": token}, format="json")

    assert started.json()["sent_to"] == "n***@example.com"
    assert mail.outbox[-1].to == ["new@example.com"]
    assert confirmed.status_code == 200
    assert confirmed.json()["device"]["method"] == "email"


@pytest.mark.django_db
def test_enrolling_sms_sends_the_code_through_the_twilio_protocol(api_client):
    token = _register(api_client)
    with (
        twilio_server() as twilio,
        override_settings(
            SMS_BACKEND="accounts.sms.TwilioSMSBackend",
            SMS_TWILIO_BASE_URL=twilio.url,
            SMS_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            SMS_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            SMS_FROM="+15005550006",
        ),
    ):
        started = api_client.post(
            ENROLL, {"method": "sms", "phone": "+447700900123", "enrollment_token": token}, format="json"
        )
        message = twilio.messages[-1]

    code = message["Body"].split("code is ")[1][:6]
    confirmed = api_client.post(CONFIRM, {"method": "sms", "code": code, "enrollment_token": token}, format="json")

    assert started.status_code == 200
    assert started.json()["sent_to"] == "+44***23"
    assert (message["To"], message["From"]) == ("+447700900123", "+15005550006")
    assert confirmed.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_smsdevice")
        assert "+447700900123" not in cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("refusal", ["refused", "unreachable"])
def test_an_sms_provider_failure_is_a_clear_503(api_client, refusal):
    token = _register(api_client)
    with twilio_server() as twilio:
        twilio.refuse_with = 21211
        url = twilio.url if refusal == "refused" else "http://127.0.0.1:1"
        with override_settings(
            SMS_BACKEND="accounts.sms.TwilioSMSBackend",
            SMS_TWILIO_BASE_URL=url,
            SMS_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            SMS_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        ):
            response = api_client.post(
                ENROLL, {"method": "sms", "phone": "+447700900123", "enrollment_token": token}, format="json"
            )

    assert response.status_code == 503
    assert response.json()["error_code"] == "PROVIDER_UNAVAILABLE"
    assert not SMSDevice.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["", "07700900123", "+44 7700 900123", "+0123456789", "+1" + "9" * 20])
def test_sms_enrollment_needs_an_international_number(api_client, phone):
    token = _register(api_client)

    response = api_client.post(ENROLL, {"method": "sms", "phone": phone, "enrollment_token": token}, format="json")

    assert response.status_code == 422
    assert "phone" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [{}, {"method": "fax"}, {"method": 1}, {"method": "totp", "phone": 5}])
def test_enroll_reports_bad_input(auth_client, payload):
    response = auth_client.post(ENROLL, payload, format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"


@pytest.mark.django_db
def test_a_signed_in_user_adds_a_second_device_without_new_codes_or_tokens(auth_client, enrolled):
    started = auth_client.post(ENROLL, {"method": "totp"}, format="json").json()

    confirmed = auth_client.post(
        CONFIRM, {"method": "totp", "code": _device_code(started["device_id"])}, format="json"
    ).json()

    assert confirmed["recovery_codes"] is None
    assert "access_token" not in confirmed
    assert len(auth_client.get(DEVICES).json()) == 2


@pytest.mark.django_db
def test_devices_are_listed_without_secrets(auth_client, enrolled):
    response = auth_client.get(DEVICES)

    assert response.status_code == 200
    (device,) = response.json()
    assert set(device) == {"id", "method", "name", "created_at", "last_used_at"}
    assert device["id"] == str(enrolled.device.pk)


@pytest.mark.django_db
def test_the_last_device_cannot_be_removed(auth_client, enrolled):
    response = auth_client.delete(reverse("auth-mfa-device-detail", args=[enrolled.device.pk]))

    assert response.status_code == 422
    assert response.json()["error_code"] == "LAST_MFA_DEVICE"
    assert TOTPDevice.objects.filter(pk=enrolled.device.pk).exists()


@pytest.mark.django_db
def test_a_device_can_be_removed_when_another_remains(auth_client, enrolled):
    second = TOTPDevice.objects.create(user=enrolled.user, name="Backup phone", key="00" * 20)

    response = auth_client.delete(reverse("auth-mfa-device-detail", args=[second.pk]))

    assert response.status_code == 204
    assert not TOTPDevice.objects.filter(pk=second.pk).exists()
    assert AuditEvent.objects.filter(user=enrolled.user, action=AuditEvent.Action.MFA_DEVICE_REMOVED).exists()


@pytest.mark.django_db
def test_another_users_device_is_404_and_survives(auth_client):
    theirs = enrolled_user()
    TOTPDevice.objects.create(user=theirs.user, name="Second", key="00" * 20)

    response = auth_client.delete(reverse("auth-mfa-device-detail", args=[theirs.device.pk]))

    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_NOT_FOUND"
    assert TOTPDevice.objects.filter(pk=theirs.device.pk).exists()


@pytest.mark.django_db
def test_regenerated_recovery_codes_replace_the_old_ones_at_once(api_client, auth_client, enrolled):
    response = auth_client.post(RECOVERY)
    new_codes = response.json()["recovery_codes"]

    old = api_client.post(LOGIN, {"email": enrolled.user.email, "password": DEFAULT_PASSWORD}, format="json").json()
    old_result = api_client.post(
        LOGIN_MFA, {"mfa_token": old["mfa_token"], "recovery_code": enrolled.recovery_codes[0]}, format="json"
    )
    fresh = api_client.post(LOGIN, {"email": enrolled.user.email, "password": DEFAULT_PASSWORD}, format="json").json()
    new_result = api_client.post(
        LOGIN_MFA, {"mfa_token": fresh["mfa_token"], "recovery_code": new_codes[0]}, format="json"
    )

    assert response.status_code == 200
    assert len(new_codes) == 10
    assert old_result.status_code == 401
    assert new_result.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), [("get", DEVICES), ("post", RECOVERY), ("get", EVENTS)])
def test_device_management_needs_a_signed_in_user(api_client, method, url):
    response = getattr(api_client, method)(url)

    assert response.status_code == 401


@pytest.mark.django_db
def test_security_events_show_the_users_own_history_paginated(api_client, enrolled):
    other = enrolled_user()
    api_login(api_client, other)
    pair = api_login(api_client, enrolled)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access_token']}")

    response = api_client.get(EVENTS, {"limit": 5})

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"items", "total", "skip", "limit"}
    assert body["total"] == 1
    (event,) = body["items"]
    assert event["action"] == "login.succeeded"
    assert event["description"] == "Signed in"
    assert event["ip_address"] == "127.0.0.1"


@pytest.mark.django_db
def test_enrollment_codes_are_limited_so_nobody_floods_an_inbox_or_a_phone(auth_client):
    statuses = [auth_client.post(ENROLL, {"method": "email"}).status_code for _ in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 429]
    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_sms_enrollment_without_a_number_names_the_missing_field(api_client):
    token = _register(api_client)

    response = api_client.post(ENROLL, {"method": "sms", "enrollment_token": token}, format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"
    assert response.json()["errors"] == {"phone": ["Give the number to send codes to."]}


@pytest.mark.django_db
def test_confirming_with_nothing_pending_says_so_with_its_own_code(api_client):
    token = _register(api_client)

    response = api_client.post(CONFIRM, {"method": "email", "code": "123456", "enrollment_token": token}, format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "ENROLLMENT_NOT_PENDING"


@pytest.mark.django_db
def test_asking_for_a_code_by_a_method_the_account_lacks_says_so_with_its_own_code(api_client):
    enrolled = enrolled_user()  # TOTP only
    token = mfa_token_for(api_client, enrolled.user)

    response = api_client.post(
        reverse("auth-login-mfa-send-code"), {"mfa_token": token, "method": "email"}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["error_code"] == "METHOD_NOT_ENROLLED"
