"""Seed 000 (SecureAI): its documented `/auth/*` requests, at the root, end to end."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import enrolled_user, totp_code
from tests.accounts.passwords import emailed_reset_token
from tests.compat.steps import assert_error, bearer, enroll_totp, post, second_step

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Copper-Harbour-83?"
ACCOUNT = {"email": "ada@example.com", "username": "ada", "full_name": "Ada Lovelace", "password": DEFAULT_PASSWORD}


def test_a_seed_000_client_registers_enrolls_signs_in_in_two_steps_and_logs_out(api_client):
    registered = post(api_client, "/auth/register", ACCOUNT)

    assert registered.status_code == 201, registered.json()
    assert registered.json()["mfa_enrolled"] is False
    # "MFA is mandatory during registration": until a factor is enrolled, a password signs nobody in.
    unenrolled = post(api_client, "/auth/login", {"email": "ada@example.com", "password": DEFAULT_PASSWORD})
    assert_error(unenrolled, 401, "MFA_REQUIRED")
    device, enrolled = enroll_totp(api_client, registered.json()["enrollment_token"])
    assert len(enrolled["recovery_codes"]) == 10

    login = post(api_client, "/auth/login", {"email": "ada@example.com", "password": DEFAULT_PASSWORD})

    assert login.status_code == 200, login.json()
    step = login.json()
    assert set(step) == {"mfa_required", "mfa_token", "methods", "expires_in"}
    assert step["methods"] == ["totp", "recovery_code"]
    pair = second_step(api_client, step["mfa_token"], code=totp_code(device, steps_ahead=1))
    assert pair["token_type"] == "bearer"
    signed_in = bearer(pair["access_token"])
    assert signed_in.get(reverse("auth-me")).json()["email"] == "ada@example.com"

    logout = post(signed_in, "/auth/logout", {"refresh_token": pair["refresh_token"]})

    assert logout.status_code == 204
    assert_error(signed_in.get(reverse("auth-me")), 401, "INVALID_TOKEN")
    assert_error(
        post(api_client, reverse("auth-refresh"), {"refresh_token": pair["refresh_token"]}), 401, "INVALID_TOKEN"
    )


def test_a_seed_000_recovery_code_signs_in_once(api_client):
    enrolled = enrolled_user()
    credentials = {"email": enrolled.user.email, "password": DEFAULT_PASSWORD}
    code = enrolled.recovery_codes[0]

    first = post(api_client, "/auth/login", credentials).json()["mfa_token"]
    second_step(api_client, first, recovery_code=code)
    again = post(api_client, "/auth/login", credentials).json()["mfa_token"]

    assert_error(
        post(api_client, reverse("auth-login-mfa"), {"mfa_token": again, "recovery_code": code}),
        401,
        "INVALID_MFA_CODE",
    )
    assert AuditEvent.objects.filter(user=enrolled.user, action=AuditEvent.Action.RECOVERY_CODE_USED).count() == 1


def test_a_seed_000_password_reset_round_trip(api_client, enrolled, django_capture_on_commit_callbacks):
    user = enrolled.user
    unknown = post(api_client, "/auth/password-reset", {"email": "nobody@example.com"})
    token = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email, url="/auth/password-reset")

    reset = post(api_client, "/auth/reset-password", {"token": token, "new_password": NEW_PASSWORD})

    assert unknown.status_code == 202
    assert unknown.json() == {"detail": "If an account exists for this address, we have sent a reset link."}
    assert reset.status_code == 200, reset.json()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert post(api_client, "/auth/login", {"email": user.email, "password": NEW_PASSWORD}).status_code == 200
    reused = post(api_client, "/auth/reset-password", {"token": token, "new_password": "Another-Harbour-84?"})
    assert_error(reused, 400, "INVALID_RESET_TOKEN")
    assert [message.to for message in mail.outbox] == [[user.email]]  # nothing went to the unknown address


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/auth/register", {**ACCOUNT, "email": 5}, "email"),
        ("/auth/register", {**ACCOUNT, "username": ["ada"]}, "username"),
        ("/auth/register", {key: value for key, value in ACCOUNT.items() if key != "password"}, "password"),
        ("/auth/login", {"email": "ada@example.com"}, "password"),
        ("/auth/login", {"email": True, "password": DEFAULT_PASSWORD}, "email"),
        ("/auth/login", {"password": DEFAULT_PASSWORD}, "email"),
        ("/auth/password-reset", {}, "email"),
        ("/auth/password-reset", {"email": "not-an-address"}, "email"),
        ("/auth/reset-password", {"token": "a.b"}, "new_password"),
        ("/auth/reset-password", {"token": 12, "new_password": NEW_PASSWORD}, "token"),
    ],
)
def test_seed_000_paths_report_bad_fields_in_the_documented_shape(api_client, path, body, field):
    assert_error(post(api_client, path, body), 422, "VALIDATION_ERROR", field)


def test_a_weak_password_at_seed_000_register_gets_every_reason(api_client):
    body = assert_error(post(api_client, "/auth/register", {**ACCOUNT, "password": "short"}), 422, "WEAK_PASSWORD")

    assert len(body["errors"]["password"]) >= 2
    assert not User.objects.filter(email="ada@example.com").exists()


def test_seed_000_logout_needs_the_bearer_token(api_client):
    assert_error(post(api_client, "/auth/logout", {}), 401, "NOT_AUTHENTICATED")


def test_the_seed_000_root_answers_like_the_api(api_client, settings):
    settings.API_MAX_BODY_BYTES = 1024

    not_json = api_client.post("/auth/login", "{not json", content_type="application/json")
    too_big = post(api_client, "/auth/register", {**ACCOUNT, "full_name": "x" * 2000})
    unknown = post(api_client, "/auth/nowhere", {})
    wrong_method = api_client.get("/auth/login")

    assert_error(not_json, 400, "INVALID_REQUEST")
    assert_error(too_big, 413, "PAYLOAD_TOO_LARGE")
    assert_error(unknown, 404, "RESOURCE_NOT_FOUND")
    assert_error(wrong_method, 405, "METHOD_NOT_ALLOWED")


@pytest.mark.urls("tests.config.boom_urls")
def test_an_unexpected_failure_under_the_seed_000_root_is_the_json_500():
    response = Client(raise_request_exception=False).get("/auth/boom")

    assert_error(response, 500, "INTERNAL_ERROR")
    assert "hunter2" not in response.content.decode()


def test_a_browser_session_half_signed_in_does_not_divert_a_seed_000_call(client):
    # The dashboard's MFA gate sends such a session to the second step; the API root is not the dashboard.
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD}, content_type="application/json"
    )

    assert_error(response, 401, "MFA_REQUIRED")
