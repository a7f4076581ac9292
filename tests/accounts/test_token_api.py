"""Token rotation, revocation and the attacks on tokens, through the real endpoints."""

import base64
import json
import time

import jwt
import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.tokens import AccessToken
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import api_login, enrolled_user

LOGIN = reverse("auth-login")
REFRESH = reverse("auth-refresh")
LOGOUT = reverse("auth-logout")
ME = reverse("auth-me")


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _login(api_client, **credentials):
    return api_client.post(LOGIN, {"password": DEFAULT_PASSWORD, **credentials}, format="json")


@pytest.mark.django_db
def test_wrong_password_and_unknown_account_fail_the_same_way(api_client, user):
    wrong = api_client.post(LOGIN, {"email": user.email, "password": "Not-The-Password-1"}, format="json")
    unknown = api_client.post(LOGIN, {"email": "nobody@example.com", "password": "Not-The-Password-1"}, format="json")

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error_code"] == "INVALID_CREDENTIALS"


@pytest.mark.django_db
def test_an_inactive_account_cannot_sign_in(api_client):
    user = UserFactory(is_active=False)

    response = _login(api_client, email=user.email)

    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"password": DEFAULT_PASSWORD}, "email"),
        ({"email": "a@example.com"}, "password"),
        ({"email": 42, "password": DEFAULT_PASSWORD}, "email"),
        ({"email": "a@example.com", "password": ["x"]}, "password"),
        ({"username": None, "password": DEFAULT_PASSWORD}, "username"),
    ],
)
def test_login_reports_bad_fields(api_client, payload, field):
    response = api_client.post(LOGIN, payload, format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"
    assert field in response.json()["errors"]


@pytest.fixture
def past_reuse_interval(settings):
    """A rotated refresh token presented again counts as reuse at once, as it does after the interval."""
    settings.JWT_REFRESH_REUSE_INTERVAL = 0


@pytest.mark.django_db
def test_refresh_rotates_and_the_old_refresh_token_is_spent(api_client, tokens, past_reuse_interval):
    first = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json")
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != tokens.refresh_token
    assert _bearer(rotated["access_token"]).get(ME).status_code == 200

    again = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json")

    assert again.status_code == 401
    assert again.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_reusing_a_rotated_refresh_token_revokes_its_whole_family(api_client, enrolled, tokens, past_reuse_interval):
    other_login = api_login(api_client, enrolled)
    rotated = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json").json()

    # A thief replays the spent token: the legitimate successor dies with it...
    assert api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json").status_code == 401
    successor = api_client.post(REFRESH, {"refresh_token": rotated["refresh_token"]}, format="json")
    assert successor.status_code == 401
    # ...and so do the access tokens already handed out in that login...
    assert _bearer(rotated["access_token"]).get(ME).status_code == 401
    assert _bearer(tokens.access_token).get(ME).status_code == 401
    # ...while the same user's other, unrelated login keeps working.
    assert _bearer(other_login["access_token"]).get(ME).status_code == 200
    other = api_client.post(REFRESH, {"refresh_token": other_login["refresh_token"]}, format="json")
    assert other.status_code == 200


@pytest.mark.django_db
def test_an_access_token_is_not_a_refresh_token_and_vice_versa(api_client, tokens):
    as_refresh = api_client.post(REFRESH, {"refresh_token": tokens.access_token}, format="json")
    as_access = _bearer(tokens.refresh_token).get(ME)

    assert as_refresh.status_code == 401
    assert as_access.status_code == 401
    assert as_access.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_refresh_reports_bad_input(api_client):
    missing = api_client.post(REFRESH, {}, format="json")
    wrong_type = api_client.post(REFRESH, {"refresh_token": 7}, format="json")
    garbage = api_client.post(REFRESH, {"refresh_token": "not.a.token"}, format="json")

    assert missing.status_code == wrong_type.status_code == 422
    assert garbage.status_code == 401
    assert garbage.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_refresh_for_a_deactivated_user_is_refused(api_client, user, tokens):
    user.is_active = False
    user.save()

    response = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json")

    assert response.status_code == 401


@pytest.mark.django_db
def test_logout_revokes_the_access_token_at_once_and_the_refresh_token(api_client, tokens):
    client = _bearer(tokens.access_token)

    response = client.post(LOGOUT, {"refresh_token": tokens.refresh_token}, format="json")

    assert response.status_code == 204
    after = client.get(ME)
    assert after.status_code == 401
    assert after.json()["error_code"] == "INVALID_TOKEN"
    refreshed = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json")
    assert refreshed.status_code == 401


@pytest.mark.django_db
def test_logout_with_only_the_access_token_ends_that_login_everywhere(api_client, tokens):
    later = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json").json()  # same login

    assert _bearer(tokens.access_token).post(LOGOUT, {}, format="json").status_code == 204

    assert _bearer(later["access_token"]).get(ME).status_code == 401
    assert api_client.post(REFRESH, {"refresh_token": later["refresh_token"]}, format="json").status_code == 401


@pytest.mark.django_db
def test_an_access_token_revoked_by_its_own_id_alone_is_refused(tokens):
    AccessToken(tokens.access_token).blacklist()  # as a password change does: its login is not marked

    response = _bearer(tokens.access_token).get(ME)

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_logout_cannot_revoke_another_users_login(api_client, tokens):
    intruder_tokens = api_login(api_client, enrolled_user())

    _bearer(intruder_tokens["access_token"]).post(LOGOUT, {"refresh_token": tokens.refresh_token}, format="json")

    assert _bearer(tokens.access_token).get(ME).status_code == 200
    assert api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json").status_code == 200


@pytest.mark.django_db
def test_logout_requires_authentication(api_client):
    response = api_client.post(LOGOUT, {}, format="json")

    assert response.status_code == 401
    assert response.json()["error_code"] == "NOT_AUTHENTICATED"


@pytest.mark.django_db
def test_the_token_table_never_stores_a_usable_token(tokens):
    stored = list(OutstandingToken.objects.values_list("token", flat=True))

    assert stored
    assert all(tokens.refresh_token not in text and "sha256=" in text for text in stored)


def _forge(claims: dict, key: str, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def _claims(user, **overrides):
    now = int(time.time())
    claims = {"token_type": "access", "sub": str(user.pk), "jti": "f" * 32, "iat": now, "exp": now + 600}
    claims.update(overrides)
    return claims


@pytest.mark.django_db
def test_a_token_with_alg_none_is_refused(user):
    unsigned = jwt.encode(_claims(user), key=None, algorithm="none")

    response = _bearer(unsigned).get(ME)

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_a_token_signed_with_another_key_is_refused(user):
    response = _bearer(_forge(_claims(user), "an-attackers-guess-at-the-key-0123456789")).get(ME)

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_a_tampered_payload_is_refused(user, tokens):
    victim = UserFactory()
    header, _, signature = tokens.access_token.split(".")
    forged_payload = base64.urlsafe_b64encode(json.dumps(_claims(victim)).encode()).decode().rstrip("=")

    response = _bearer(f"{header}.{forged_payload}.{signature}").get(ME)

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_an_expired_token_says_so(user):
    expired = _forge(_claims(user, exp=int(time.time()) - 5), settings.SIMPLE_JWT["SIGNING_KEY"])

    response = _bearer(expired).get(ME)

    assert response.status_code == 401
    assert response.json()["error_code"] == "TOKEN_EXPIRED"


@pytest.mark.django_db
def test_a_token_for_a_deleted_or_deactivated_user_is_refused(user, tokens):
    user.is_active = False
    user.save()

    response = _bearer(tokens.access_token).get(ME)

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Token abc", "Bearer not-a-jwt"])
def test_malformed_authorization_headers_are_refused(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["error_code"] in {"INVALID_TOKEN", "NOT_AUTHENTICATED"}


_DROP = object()
MALFORMED_CLAIMS = {
    "no jti": {"jti": _DROP},
    "jti a number": {"jti": 42},
    "empty jti": {"jti": ""},
    "no sub": {"sub": _DROP},
    "sub not a uuid": {"sub": "admin"},
    "sub a list": {"sub": ["x"]},
    "exp a string": {"exp": "tomorrow"},
    "exp too far": {"exp": 1e308},
    "no exp": {"exp": _DROP},
    "fam a number": {"fam": 7},
    "no token_type": {"token_type": _DROP},
    "wrong token_type": {"token_type": "sliding"},
}


def _malformed(user, token_type: str, overrides: dict) -> str:
    claims = _claims(user, token_type=token_type, fam="a" * 32)
    for name, value in overrides.items():
        if value is _DROP:
            claims.pop(name)
        else:
            claims[name] = value
    return _forge(claims, settings.SIMPLE_JWT["SIGNING_KEY"])


@pytest.mark.django_db
@pytest.mark.parametrize("overrides", MALFORMED_CLAIMS.values(), ids=MALFORMED_CLAIMS.keys())
def test_a_signed_access_token_with_a_malformed_claim_set_is_refused(user, overrides):
    response = _bearer(_malformed(user, "access", overrides)).get(ME)

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
@pytest.mark.parametrize("overrides", MALFORMED_CLAIMS.values(), ids=MALFORMED_CLAIMS.keys())
def test_a_signed_refresh_token_with_a_malformed_claim_set_is_refused(api_client, user, overrides):
    response = api_client.post(REFRESH, {"refresh_token": _malformed(user, "refresh", overrides)}, format="json")

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_a_refresh_repeated_within_the_reuse_interval_gets_the_same_pair(api_client, tokens):
    first = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json")
    again = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert _bearer(first.json()["access_token"]).get(ME).status_code == 200
    # The cache holds the answer encrypted, never a usable token.
    jti = jwt.decode(tokens.refresh_token, options={"verify_signature": False})["jti"]
    stored = cache.get(f"refresh-rotated:{jti}")
    assert stored
    assert first.json()["refresh_token"] not in stored
    assert first.json()["access_token"] not in stored


@pytest.mark.django_db
def test_a_rotated_refresh_token_after_a_logout_is_not_answered_from_the_reuse_interval(api_client, tokens):
    first = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json").json()
    _bearer(first["access_token"]).post(LOGOUT, {}, format="json")

    again = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json")

    assert again.status_code == 401
