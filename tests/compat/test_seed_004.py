"""Seed 004 (RAG Modulo): its documented `/api/auth/*` requests, signing in by `username`."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.accounts.mfa import enrolled_user, totp_code
from tests.compat.steps import assert_error, bearer, enroll_totp, post, second_step

pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/register"
LOGIN = "/api/auth/login"
# As the seed shows it: the email address doubles as the username.
ACCOUNT = {"username": "user@example.com", "password": DEFAULT_PASSWORD, "email": "user@example.com"}


def test_a_seed_004_client_registers_enrolls_and_signs_in_by_username(api_client):
    registered = post(api_client, REGISTER, ACCOUNT)

    assert registered.status_code == 201, registered.json()
    body = registered.json()
    assert set(body) == {"user_id", "username", "email", "enrollment_token"}
    user = User.objects.get(pk=body["user_id"])
    assert (body["username"], body["email"]) == (user.username, user.email) == ("user@example.com",) * 2
    assert_error(
        post(api_client, LOGIN, {"username": "user@example.com", "password": DEFAULT_PASSWORD}), 401, "MFA_REQUIRED"
    )
    device, _ = enroll_totp(api_client, body["enrollment_token"])

    login = post(api_client, LOGIN, {"username": "user@example.com", "password": DEFAULT_PASSWORD})

    assert login.status_code == 200, login.json()
    step = login.json()
    assert set(step) == {"mfa_required", "mfa_token", "methods", "expires_in", "user_id"}
    assert step["user_id"] == body["user_id"]
    assert isinstance(step["expires_in"], int)
    pair = second_step(api_client, step["mfa_token"], code=totp_code(device, steps_ahead=1))
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] > 0
    assert bearer(pair["access_token"]).get(reverse("auth-me")).json()["id"] == body["user_id"]


def test_seed_004_login_takes_a_plain_username_too(api_client):
    enrolled = enrolled_user(username="johndoe")

    login = post(api_client, LOGIN, {"username": "JohnDoe", "password": DEFAULT_PASSWORD})

    assert login.status_code == 200, login.json()
    assert login.json()["user_id"] == str(enrolled.user.pk)


def test_a_wrong_password_at_seed_004_login_says_nothing_about_the_account(api_client, user):
    wrong = post(api_client, LOGIN, {"username": user.username, "password": "Not-The-Password-1"})
    unknown = post(api_client, LOGIN, {"username": "nobody", "password": "Not-The-Password-1"})

    assert_error(wrong, 401, "INVALID_CREDENTIALS")
    assert wrong.json() == unknown.json()
    assert "user_id" not in wrong.json()


def test_seed_004_register_refuses_an_address_already_taken(api_client):
    enrolled_user(email="user@example.com")

    assert_error(post(api_client, REGISTER, ACCOUNT), 422, "DUPLICATE_EMAIL", "email")
    assert User.objects.filter(email="user@example.com").count() == 1


def test_seed_004_register_refuses_a_weak_password_with_the_reasons(api_client):
    body = assert_error(post(api_client, REGISTER, {**ACCOUNT, "password": "password"}), 422, "WEAK_PASSWORD")

    assert body["errors"]["password"]
    assert not User.objects.filter(email="user@example.com").exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (REGISTER, {"username": "user@example.com", "password": DEFAULT_PASSWORD}, "email"),
        (REGISTER, {**ACCOUNT, "username": 42}, "username"),
        (REGISTER, {**ACCOUNT, "email": "not-an-address"}, "email"),
        (REGISTER, {**ACCOUNT, "password": None}, "password"),
        (LOGIN, {"username": "user@example.com"}, "password"),
        (LOGIN, {"username": {"email": "user@example.com"}, "password": DEFAULT_PASSWORD}, "username"),
        (LOGIN, ["user@example.com", DEFAULT_PASSWORD], "non_field_errors"),
    ],
)
def test_seed_004_paths_report_bad_fields_in_the_documented_shape(api_client, path, body, field):
    assert_error(post(api_client, path, body), 422, "VALIDATION_ERROR", field)


def test_seed_004_paths_refuse_a_body_that_is_not_json(api_client):
    response = api_client.post(LOGIN, "username=user@example.com", content_type="application/json")

    assert_error(response, 400, "INVALID_REQUEST")
