"""Seed 003 (AI Chat Platform): its documented auth requests under /api/v1/, single sign-on included.

Its register, login, refresh and logout paths are Bastion's canonical ones; `auth/sso/login` names no
provider and is the alias.
"""

import secrets
from urllib.parse import parse_qs

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from config.settings.base import sso_providers
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.accounts.mfa import enrolled_user, totp_code
from tests.accounts.oidc_provider import LoopbackOIDCProvider, through_provider
from tests.compat.steps import assert_error, bearer, enroll_totp, post, second_step

pytestmark = pytest.mark.django_db

SSO_LOGIN = "/api/v1/auth/sso/login"
CALLBACK = "https://chat.example.com/sso/callback"
GITHUB = {"SSO_GITHUB_CLIENT_ID": "bastion-github", "SSO_GITHUB_CLIENT_SECRET": "not-a-real-secret"}


@pytest.fixture
def idp(settings):
    with LoopbackOIDCProvider(client_id="bastion", client_secret=secrets.token_urlsafe(24)) as provider:
        settings.SOCIALACCOUNT_PROVIDERS = provider.socialaccount_providers()
        settings.SSO_REDIRECT_URI_ALLOWLIST = [CALLBACK]
        yield provider


def _fragment(response) -> dict[str, str]:
    """What reaches the client: its redirect_uri, with the answer in the fragment."""
    assert response.status_code == 302, response.content
    location, _, fragment = response["Location"].partition("#")
    assert location == CALLBACK
    return {name: values[0] for name, values in parse_qs(fragment).items()}


def _through_sso(client: Client, query: dict[str, str]):
    response = through_provider(client, client.get(SSO_LOGIN, query))
    if response.get("Location") == reverse("auth-sso-complete"):
        response = client.get(response["Location"])
    return response


def test_a_seed_003_client_signs_in_with_sso_and_gets_tokens_after_the_second_factor(client, idp):
    enrolled = enrolled_user(email="grace@example.com")
    idp.claims = {"sub": "grace-1", "email": "grace@example.com", "email_verified": True, "name": "Grace Hopper"}

    fragment = _fragment(_through_sso(client, {"redirect_uri": CALLBACK}))

    assert set(fragment) == {"mfa_token", "methods"}
    pair = second_step(APIClient(), fragment["mfa_token"], code=totp_code(enrolled.device))
    assert bearer(pair["access_token"]).get(reverse("auth-me")).json()["email"] == "grace@example.com"


def test_seed_003_sso_picks_the_named_provider_when_several_are_configured(client, idp, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {**idp.socialaccount_providers(), **sso_providers(GITHUB)}
    enrolled_user(email="grace@example.com")
    idp.claims = {"sub": "grace-1", "email": "grace@example.com", "email_verified": True}

    unnamed = client.get(SSO_LOGIN, {"redirect_uri": CALLBACK})
    named = _through_sso(client, {"redirect_uri": CALLBACK, "provider": "oidc"})

    assert_error(unnamed, 422, "VALIDATION_ERROR", "provider")
    assert "mfa_token" in _fragment(named)


def test_seed_003_sso_without_any_provider_configured_is_404(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    settings.SSO_REDIRECT_URI_ALLOWLIST = [CALLBACK]

    assert_error(client.get(SSO_LOGIN, {"redirect_uri": CALLBACK}), 404, "RESOURCE_NOT_FOUND")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "redirect_uri"),
        ({"redirect_uri": "https://evil.example.com/sso/callback"}, "redirect_uri"),
        ({"redirect_uri": CALLBACK, "provider": "carrier-pigeon"}, "provider"),
    ],
)
def test_seed_003_sso_reports_bad_query_fields_in_the_documented_shape(client, idp, query, field):
    assert_error(client.get(SSO_LOGIN, query), 422, "VALIDATION_ERROR", field)


def test_seed_003_sso_naming_a_provider_that_is_not_configured_is_404(client, idp):
    assert_error(client.get(SSO_LOGIN, {"redirect_uri": CALLBACK, "provider": "github"}), 404, "RESOURCE_NOT_FOUND")


def test_seed_003s_password_requests_work_at_their_documented_paths(api_client):
    account = {"email": "ada@example.com", "username": "johndoe", "password": DEFAULT_PASSWORD}

    registered = post(api_client, "/api/v1/auth/register", {**account, "auth_provider": "local"})

    assert registered.status_code == 201, registered.json()
    _, enrolled = enroll_totp(api_client, registered.json()["enrollment_token"])
    login = post(api_client, "/api/v1/auth/login", {"username": "ada@example.com", "password": DEFAULT_PASSWORD})
    assert set(login.json()) == {"mfa_required", "mfa_token", "methods", "expires_in"}
    pair = second_step(api_client, login.json()["mfa_token"], recovery_code=enrolled["recovery_codes"][0])
    refreshed = post(api_client, "/api/v1/auth/refresh", {"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.json()
    signed_in = bearer(refreshed.json()["access_token"])
    assert (
        post(signed_in, "/api/v1/auth/logout", {"refresh_token": refreshed.json()["refresh_token"]}).status_code == 204
    )
    assert_error(signed_in.get(reverse("auth-me")), 401, "INVALID_TOKEN")
