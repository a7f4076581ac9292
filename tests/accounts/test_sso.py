"""Single sign-on, end to end against a real OpenID Connect provider listening on 127.0.0.1."""

import secrets
from urllib.parse import parse_qs

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.sso import redirect_uri_allowed
from audit.models import AuditEvent
from config.settings.base import sso_authorization_origins, sso_providers
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import enrolled_user, totp_code
from tests.accounts.oidc_provider import LoopbackOIDCProvider, through_provider

pytestmark = pytest.mark.django_db

CLIENT_CALLBACK = "https://app.example.com/sso/callback"
NATIVE_CALLBACK = "bastion-cli://sso/done"
ALLOWLIST = [CLIENT_CALLBACK, "bastion-cli://sso/*"]


@pytest.fixture
def idp(settings):
    """The loopback provider, configured in Bastion the way the SSO_OIDC_* variables configure it."""
    with LoopbackOIDCProvider(client_id="bastion", client_secret=secrets.token_urlsafe(24)) as provider:
        settings.SOCIALACCOUNT_PROVIDERS = provider.socialaccount_providers()
        settings.SSO_REDIRECT_URI_ALLOWLIST = ALLOWLIST
        yield provider


def client_fragment(response: HttpResponse, redirect_uri: str = CLIENT_CALLBACK) -> dict[str, str]:
    """The result handed to the API client: its redirect_uri, with the answer in the fragment."""
    assert response.status_code == 302
    location, _, fragment = response["Location"].partition("#")
    assert location == redirect_uri
    return {name: values[0] for name, values in parse_qs(fragment).items()}


def api_sso(client: Client, redirect_uri: str = CLIENT_CALLBACK) -> HttpResponse:
    """An API client's sign-in, up to the response that leaves Bastion for the client."""
    start = client.get(reverse("auth-sso-login", args=["oidc"]), {"redirect_uri": redirect_uri})
    response = through_provider(client, start)
    if response.get("Location") == reverse("auth-sso-complete"):
        response = client.get(response["Location"])
    return response


def actions(user: User) -> list[str]:
    return list(AuditEvent.objects.filter(user=user).order_by("created_at").values_list("action", flat=True))


def test_api_sso_gives_an_enrolled_user_found_by_verified_email_tokens_only_after_the_second_factor(client, idp):
    enrolled = enrolled_user(email="ada@example.com")
    idp.claims = {"sub": "ada-1", "email": "Ada@example.com", "email_verified": True, "name": "Ada Lovelace"}

    response = api_sso(client)

    fragment = client_fragment(response)
    assert set(fragment) == {"mfa_token", "methods"}
    assert fragment["methods"] == "totp,recovery_code"
    assert "_auth_user_id" not in client.session  # the browser keeps no signed-in session
    assert client.get(reverse("home")).url.startswith(reverse("login"))
    api = APIClient()
    code = totp_code(enrolled.device)
    tokens = api.post(reverse("auth-login-mfa"), {"mfa_token": fragment["mfa_token"], "code": code}, format="json")
    assert tokens.status_code == 200, tokens.json()
    assert set(tokens.json()) == {"access_token", "refresh_token", "token_type", "expires_in"}
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access_token']}")
    assert api.get(reverse("auth-me")).json()["email"] == "ada@example.com"
    linked = SocialAccount.objects.get(user=enrolled.user)
    assert (linked.provider, linked.uid) == ("oidc", "ada-1")


def test_api_sso_to_a_native_app_scheme_gives_a_new_user_an_enrollment_token(client, idp):
    UserFactory(username="grace")  # the provider's preferred username is taken: another is generated
    idp.claims = {
        "sub": "grace-1",
        "email": "grace@example.com",
        "email_verified": True,
        "name": "Grace Hopper",
        "preferred_username": "grace",
    }

    fragment = client_fragment(api_sso(client, NATIVE_CALLBACK), NATIVE_CALLBACK)

    assert set(fragment) == {"enrollment_token"}
    user = User.objects.get(email="grace@example.com")
    assert (user.full_name, user.is_verified, user.has_usable_password()) == ("Grace Hopper", True, False)
    assert user.username.lower() not in ("", "grace")
    assert "_auth_user_id" not in client.session
    enroll = APIClient().post(
        reverse("auth-mfa-enroll"), {"method": "totp", "enrollment_token": fragment["enrollment_token"]}, format="json"
    )
    assert enroll.status_code == 200, enroll.json()
    assert actions(user) == [AuditEvent.Action.REGISTERED, AuditEvent.Action.SSO_LINKED, AuditEvent.Action.SSO_LOGIN]
    assert mail.outbox == []  # nothing to warn about: the account was just made by this sign-in


def test_sso_links_then_signs_in_an_existing_account_and_records_both(client, idp):
    user = enrolled_user(email="ada@example.com").user
    idp.claims = {"sub": "ada-1", "email": "ada@example.com", "email_verified": True}

    client_fragment(api_sso(client))
    client_fragment(api_sso(client))  # the second time through the link, not the email

    assert actions(user) == [AuditEvent.Action.SSO_LINKED, AuditEvent.Action.SSO_LOGIN, AuditEvent.Action.SSO_LOGIN]
    event = AuditEvent.objects.filter(user=user, action=AuditEvent.Action.SSO_LINKED).get()
    assert event.data == {"provider": "oidc"}
    assert [message.subject for message in mail.outbox] == ["Bastion security notice: single sign-on linked"]
    assert mail.outbox[0].to == ["ada@example.com"]


def test_linking_by_email_turns_off_a_password_whose_address_bastion_never_verified(client, idp):
    # allauth's guard against an account registered in advance with someone else's address: whoever
    # chose that password loses it; the owner can set a new one by password reset.
    user = enrolled_user(email="ada@example.com").user
    idp.claims = {"sub": "ada-1", "email": "ada@example.com", "email_verified": True}

    client_fragment(api_sso(client))

    user.refresh_from_db()
    assert not user.has_usable_password()


@pytest.mark.parametrize("email", ["victim@example.com", "nobody-yet@example.com"])
def test_an_email_the_provider_did_not_verify_signs_in_to_no_account_and_creates_none(client, idp, email):
    victim = enrolled_user(email="victim@example.com").user
    idp.claims = {"sub": "mallory-1", "email": email, "email_verified": False}
    users_before = User.objects.count()

    fragment = client_fragment(api_sso(client))

    assert fragment == {"error": "email_not_verified"}
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    victim.refresh_from_db()
    assert victim.check_password(DEFAULT_PASSWORD)
    assert actions(victim) == []


def test_a_provider_error_ends_at_the_clients_redirect_uri_with_the_error(client, idp):
    idp.authorize_error = "access_denied"

    fragment = client_fragment(api_sso(client))

    assert fragment == {"error": "access_denied"}
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_is_refused(client, idp):
    user = enrolled_user(email="ada@example.com", is_active=False).user
    idp.claims = {"sub": "ada-1", "email": "ada@example.com", "email_verified": True}

    assert client_fragment(api_sso(client)) == {"error": "account_inactive"}
    assert "_auth_user_id" not in client.session
    assert AuditEvent.Action.SSO_LOGIN not in actions(user)


@pytest.mark.parametrize(
    "params",
    [{}, {"redirect_uri": "https://evil.example.com/sso/callback"}, {"redirect_uri": f"{CLIENT_CALLBACK}/x"}],
)
def test_a_missing_or_unlisted_redirect_uri_is_refused_without_a_redirect(client, idp, params):
    response = client.get(reverse("auth-sso-login", args=["oidc"]), params)

    assert response.status_code == 422
    assert "Location" not in response
    body = response.json()
    assert (body["error_code"], list(body["errors"])) == ("VALIDATION_ERROR", ["redirect_uri"])


@pytest.mark.parametrize("provider", ["facebook", "google", "github"])
def test_an_unknown_or_unconfigured_provider_is_404(client, idp, provider):
    response = client.get(reverse("auth-sso-login", args=[provider]), {"redirect_uri": CLIENT_CALLBACK})

    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_NOT_FOUND"


def test_an_unreachable_oidc_provider_is_503(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = sso_providers(
        {"SSO_OIDC_CLIENT_ID": "c", "SSO_OIDC_CLIENT_SECRET": "s", "SSO_OIDC_SERVER_URL": "http://127.0.0.1:9"}
    )
    settings.SSO_REDIRECT_URI_ALLOWLIST = ALLOWLIST

    response = client.get(reverse("auth-sso-login", args=["oidc"]), {"redirect_uri": CLIENT_CALLBACK})

    assert response.status_code == 503
    assert response.json()["error_code"] == "PROVIDER_UNAVAILABLE"


@pytest.mark.parametrize(
    ("uri", "allowed"),
    [
        (CLIENT_CALLBACK, True),
        (f"{CLIENT_CALLBACK}?state=abc", False),  # exact entries are exact
        ("bastion-cli://sso/done?state=abc", True),
        ("bastion-cli://sso/", True),
        ("bastion-cli://sso.evil/done", False),
        ("bastion-cli://evil@sso/done", False),
        ("bastion-cli://sso/../../elsewhere", False),
        ("bastion-cli://sso/%2e%2e/elsewhere", False),
        ("bastion-cli://sso/done#mfa_token=planted", False),
        ("bastion-cli://sso/done\r\nSet-Cookie: x=1", False),
        ("BASTION-CLI://SSO/done", True),  # scheme and host compare as URLs do, case-insensitively
        ("https://app.example.com.evil.com/sso/callback", False),
    ],
)
def test_the_redirect_uri_allowlist(settings, uri, allowed):
    settings.SSO_REDIRECT_URI_ALLOWLIST = ALLOWLIST

    assert redirect_uri_allowed(uri) is allowed


def test_dashboard_sso_signs_the_browser_in_without_a_proven_second_factor(client, idp):
    user = enrolled_user(email="ada@example.com").user
    idp.claims = {"sub": "ada-1", "email": "ada@example.com", "email_verified": True}
    page = client.get(reverse("login")).content.decode()
    start_url = "/accounts/oidc/oidc/login/"
    assert f'action="{start_url}"' in page
    assert "Continue with Loopback ID" in page

    response = through_provider(client, client.post(start_url))

    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.get("mfa_verified") is not True  # the MFA gate asks for the second factor
    assert actions(user) == [AuditEvent.Action.SSO_LINKED, AuditEvent.Action.SSO_LOGIN]


def test_dashboard_sso_failure_returns_to_the_login_page(client, idp):
    idp.authorize_error = "access_denied"

    response = through_provider(client, client.post("/accounts/oidc/oidc/login/"))

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert "Single sign-on was cancelled." in client.get(reverse("login")).content.decode()


def test_the_login_page_shows_no_sso_when_no_provider_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}

    page = client.get(reverse("login")).content.decode()

    assert "/accounts/" not in page
    assert "Continue with" not in page


@pytest.mark.parametrize(
    ("path", "target"), [("/accounts/login/?next=/x", "/login/?next=/x"), ("/accounts/signup/", "/register/")]
)
def test_allauths_own_sign_in_pages_lead_to_ours(client, path, target):
    response = client.get(path)

    assert (response.status_code, response["Location"]) == (302, target)


@pytest.mark.parametrize("path", ["/accounts/password/reset/", "/accounts/email/", "/accounts/password/change/"])
def test_allauths_password_and_email_pages_do_not_exist(client, path):
    assert client.get(path).status_code == 404


def test_the_providers_sign_in_origins_are_allowed_form_targets():
    # Chromium applies the sign-in page's CSP `form-action` to the redirect that follows an SSO button.
    providers = sso_providers(
        {
            "SSO_GOOGLE_CLIENT_ID": "g",
            "SSO_GOOGLE_CLIENT_SECRET": "g-secret",
            "SSO_GITHUB_CLIENT_ID": "h",
            "SSO_GITHUB_CLIENT_SECRET": "h-secret",
            "SSO_OIDC_CLIENT_ID": "o",
            "SSO_OIDC_CLIENT_SECRET": "o-secret",
            "SSO_OIDC_SERVER_URL": "https://login.example.com:8443/realms/acme",
        }
    )

    assert sso_authorization_origins(providers) == [
        "https://accounts.google.com",
        "https://github.com",
        "https://login.example.com:8443",
    ]


def test_a_provider_without_its_secret_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match="SSO_GITHUB_CLIENT_SECRET"):
        sso_providers({"SSO_GITHUB_CLIENT_ID": "id"})
