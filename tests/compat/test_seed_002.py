"""Seed 002 (AI Workflow Engine): its documented auth, two-factor and WebAuthn requests under /api/v1/."""

import pytest
from django.core import mail
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential
from rest_framework.test import APIClient

from accounts.models import TOTPDevice
from audit.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import Enrolled, enrolled_user, totp_code
from tests.accounts.passwords import emailed_reset_token
from tests.accounts.soft_authenticator import SoftAuthenticator
from tests.compat.steps import assert_error, bearer, post, second_step
from tests.organizations.factories import api_key_with_secret

pytestmark = pytest.mark.django_db

JWT_LOGIN = "/api/v1/auth/jwt/login"
SETUP = "/api/v1/2fa/setup"
VERIFY = "/api/v1/2fa/verify"
BACKUP_CODES = "/api/v1/2fa/backup-codes"
DISABLE = "/api/v1/2fa/disable"
ORIGIN = "http://localhost:8000"


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def _jwt_login(client: APIClient, email: str):
    # The seed's clients send the email address as `username`.
    return post(client, JWT_LOGIN, {"username": email, "password": DEFAULT_PASSWORD})


def _with_passkey(enrolled: Enrolled) -> tuple[APIClient, SoftAuthenticator]:
    """`enrolled` signed in, having added a passkey through the seed's WebAuthn router."""
    mfa_token = _jwt_login(APIClient(), enrolled.user.email).json()["mfa_token"]
    client = bearer(second_step(APIClient(), mfa_token, code=totp_code(enrolled.device))["access_token"])
    authenticator = SoftAuthenticator()
    options = post(client, "/api/v1/webauthn/register/begin", {}).json()["options"]
    added = post(client, "/api/v1/webauthn/register/complete", {"credential": authenticator.create(options, ORIGIN)})
    assert added.status_code == 200, added.json()
    return client, authenticator


def test_a_seed_002_client_sets_up_two_factor_and_signs_in_in_two_steps(api_client):
    user = UserFactory()
    refused = _jwt_login(api_client, user.email)
    enrollment_token = assert_error(refused, 401, "MFA_REQUIRED")["enrollment_token"]

    setup = post(api_client, SETUP, {"enrollment_token": enrollment_token})  # the seed sends no method

    assert setup.status_code == 200, setup.json()
    assert setup.json()["method"] == "totp"
    assert setup.json()["otpauth_uri"].startswith("otpauth://totp/")
    device = TOTPDevice.objects.get(pk=setup.json()["device_id"])
    verified = post(api_client, VERIFY, {"code": totp_code(device), "enrollment_token": enrollment_token})
    assert verified.status_code == 200, verified.json()
    assert len(verified.json()["recovery_codes"]) == 10
    assert verified.json()["device"]["method"] == "totp"

    login = _jwt_login(api_client, user.email)

    assert login.status_code == 200, login.json()
    step = login.json()
    assert set(step) == {"mfa_required", "mfa_token", "methods", "expires_in", "user_id"}
    assert step["user_id"] == str(user.pk)
    assert "access_token" not in step
    pair = second_step(api_client, step["mfa_token"], code=totp_code(device, steps_ahead=1))
    assert bearer(pair["access_token"]).get(reverse("auth-me")).json()["id"] == str(user.pk)


def test_a_wrong_password_at_jwt_login_is_refused_like_an_unknown_account(api_client, user):
    wrong = post(api_client, JWT_LOGIN, {"username": user.email, "password": "Not-The-Password-1"})
    unknown = post(api_client, JWT_LOGIN, {"username": "nobody@example.com", "password": "Not-The-Password-1"})

    assert_error(wrong, 401, "INVALID_CREDENTIALS")
    assert wrong.json() == unknown.json()


def test_seed_002_backup_codes_are_regenerated_and_the_old_ones_die(auth_client, enrolled):
    old = enrolled.recovery_codes[0]

    response = auth_client.get(BACKUP_CODES)

    assert response.status_code == 200, response.json()
    new = response.json()["recovery_codes"]
    assert len(new) == 10
    assert old not in new
    token = _jwt_login(APIClient(), enrolled.user.email).json()["mfa_token"]
    stale = post(APIClient(), reverse("auth-login-mfa"), {"mfa_token": token, "recovery_code": old})
    assert_error(stale, 401, "INVALID_MFA_CODE")
    second_step(APIClient(), token, recovery_code=new[0])
    assert AuditEvent.objects.filter(user=enrolled.user, action=AuditEvent.Action.RECOVERY_CODES_REGENERATED).exists()


def test_seed_002_webauthn_adds_a_passkey_and_signs_in_with_it(api_client, enrolled):
    _, authenticator = _with_passkey(enrolled)
    token = _jwt_login(api_client, enrolled.user.email).json()["mfa_token"]

    options = post(api_client, "/api/v1/webauthn/authenticate/begin", {"mfa_token": token}).json()["options"]
    done = post(
        api_client,
        "/api/v1/webauthn/authenticate/complete",
        {"mfa_token": token, "credential": authenticator.get(options, ORIGIN)},
    )

    assert done.status_code == 200, done.json()
    assert bearer(done.json()["access_token"]).get(reverse("auth-me")).json()["email"] == enrolled.user.email


def test_seed_002_disable_removes_the_authenticator_app_but_never_the_last_factor(enrolled):
    client, _ = _with_passkey(enrolled)
    passkey = WebAuthnCredential.objects.get(user=enrolled.user)

    disabled = post(client, DISABLE, {})

    assert disabled.status_code == 204
    assert not TOTPDevice.objects.filter(pk=enrolled.device.pk).exists()
    assert_error(post(client, DISABLE, {}), 404, "RESOURCE_NOT_FOUND")
    last = post(client, DISABLE, {"device_id": str(passkey.pk)})
    assert_error(last, 422, "LAST_MFA_DEVICE")
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_seed_002_disable_refuses_the_only_factor(auth_client, enrolled):
    assert_error(post(auth_client, DISABLE, {}), 422, "LAST_MFA_DEVICE")

    assert TOTPDevice.objects.filter(pk=enrolled.device.pk).exists()


def test_seed_002_disable_does_not_guess_between_two_authenticator_apps(auth_client, enrolled):
    TOTPDevice.objects.create(user=enrolled.user, name="Backup phone", key="00" * 20)

    assert_error(post(auth_client, DISABLE, {}), 422, "VALIDATION_ERROR", "device_id")
    assert TOTPDevice.objects.filter(user=enrolled.user).count() == 2


def test_seed_002_disable_cannot_touch_another_users_factor(auth_client):
    other = enrolled_user()
    TOTPDevice.objects.create(user=other.user, name="Backup phone", key="00" * 20)

    assert_error(post(auth_client, DISABLE, {"device_id": str(other.device.pk)}), 404, "RESOURCE_NOT_FOUND")
    assert TOTPDevice.objects.filter(pk=other.device.pk).exists()


def test_seed_002_forgot_password_then_reset_password(api_client, user, django_capture_on_commit_callbacks):
    token = emailed_reset_token(
        api_client, django_capture_on_commit_callbacks, user.email, url="/api/v1/auth/forgot-password"
    )

    reset = post(api_client, "/api/v1/auth/reset-password", {"token": token, "new_password": "Copper-Harbour-83?"})

    assert reset.status_code == 200, reset.json()
    assert mail.outbox[0].to == [user.email]
    assert post(api_client, JWT_LOGIN, {"username": user.email, "password": "Copper-Harbour-83?"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (JWT_LOGIN, {"username": 5, "password": DEFAULT_PASSWORD}, "username"),
        (JWT_LOGIN, {"username": "ada@example.com"}, "password"),
        (SETUP, {"method": "carrier-pigeon", "enrollment_token": "x"}, "method"),
        (SETUP, {"method": "sms", "enrollment_token": "x"}, "phone"),
        (VERIFY, {"enrollment_token": "x"}, "code"),
        (VERIFY, {"code": 123456, "enrollment_token": "x"}, "code"),
        ("/api/v1/auth/forgot-password", {"email": ["ada@example.com"]}, "email"),
        ("/api/v1/webauthn/authenticate/begin", {}, "mfa_token"),
        ("/api/v1/webauthn/authenticate/complete", {"mfa_token": "x", "credential": "not an object"}, "credential"),
        ("/api/v1/webauthn/register/complete", {"enrollment_token": "x"}, "credential"),
    ],
)
def test_seed_002_paths_report_bad_fields_in_the_documented_shape(api_client, path, body, field):
    assert_error(post(api_client, path, body), 422, "VALIDATION_ERROR", field)


def test_seed_002_disable_reports_a_device_id_of_the_wrong_type(auth_client):
    assert_error(post(auth_client, DISABLE, {"device_id": 5}), 422, "VALIDATION_ERROR", "device_id")


def test_seed_002_two_factor_management_needs_a_signed_in_person(api_client, organization):
    _, raw_key = api_key_with_secret(organization=organization, scopes=("read", "scans:write", "chat"))

    assert_error(api_client.get(BACKUP_CODES), 401, "NOT_AUTHENTICATED")
    assert_error(post(api_client, DISABLE, {}), 401, "NOT_AUTHENTICATED")
    assert_error(post(api_client, SETUP, {}), 401, "NOT_AUTHENTICATED")
    assert_error(api_client.get(BACKUP_CODES, HTTP_X_API_KEY=raw_key), 403, "INSUFFICIENT_PERMISSIONS")


def test_seed_002_aliases_answer_only_the_seeds_methods(auth_client, enrolled):
    # The canonical views behind them have other methods; the aliases do not lend them out.
    assert_error(post(auth_client, BACKUP_CODES, {}), 405, "METHOD_NOT_ALLOWED")
    assert_error(auth_client.delete(DISABLE), 405, "METHOD_NOT_ALLOWED")
    assert TOTPDevice.objects.filter(pk=enrolled.device.pk).exists()
