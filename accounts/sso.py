"""Single sign-on through django-allauth: who may sign in, where an API sign-in ends, what is audited.

allauth runs the OAuth/OIDC handshake; these adapters decide the rest. An SSO sign-in proves the first
factor only. In the dashboard it leaves a session without `mfa_verified`, which the MFA gate sends to
the second step; an API client's sign-in ends at `auth/sso/complete`, which trades the session for a
single-use `mfa_token` (or `enrollment_token`) sent to the client's allow-listed `redirect_uri`.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, get_adapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthError, AuthProcess, Provider
from allauth.socialaccount.signals import social_account_added
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from accounts.exceptions import MFARequired
from accounts.models import User
from accounts.notifications import security_notice_email_send
from accounts.services.mfa_login import mfa_login_start
from audit.models import AuditEvent
from audit.services import audit_event_record
from core.exceptions import ResourceNotFound
from core.providers import ProviderUnavailable

# Where a signed-in API sign-in keeps its client's redirect_uri until `auth/sso/complete` spends it.
API_REDIRECT_URI = "sso_api_redirect_uri"
# The `#error=` codes an API client can receive, with what the dashboard says instead.
FAILURES = {
    "access_denied": "Single sign-on was cancelled.",
    "provider_error": "Single sign-on did not complete. Try again, or sign in with your password.",
    "email_not_verified": "Your provider has not verified your email address, so it cannot sign you in here.",
    "account_inactive": "This account is deactivated.",
}


class ClientRedirect(HttpResponseRedirect):
    """A redirect to an allow-listed API client, which may be a native app with a URL scheme of its own."""

    def __init__(self, url: str) -> None:
        self.allowed_schemes = [urlsplit(url).scheme]
        super().__init__(url)


def redirect_uri_allowed(uri: str) -> bool:
    """Whether `uri` equals an SSO_REDIRECT_URI_ALLOWLIST entry, or has a `...*` entry's origin and path prefix."""
    parts = urlsplit(uri)
    if "#" in uri or "\\" in uri or any(ord(char) <= 32 or ord(char) == 127 for char in uri):
        return False
    if {".", ".."} & set(unquote(parts.path).split("/")):
        return False  # a browser would leave the allowed path prefix
    for entry in settings.SSO_REDIRECT_URI_ALLOWLIST:
        if not entry.endswith("*"):
            if uri == entry:
                return True
            continue
        # Compared as parts, so `https://app.example.com*` never admits `https://app.example.com.evil/`.
        prefix = urlsplit(entry[:-1])
        same_origin = (parts.scheme, parts.netloc.lower()) == (prefix.scheme, prefix.netloc.lower())
        if prefix.netloc and same_origin and parts.path.startswith(prefix.path):
            return True
    return False


def sso_provider_get(*, request: HttpRequest, name: str) -> Provider:
    """A configured provider by its API name (`oidc` is the generic OpenID Connect one)."""
    provider_ids = {"google": "google", "github": "github", "oidc": settings.SSO_OIDC_PROVIDER_ID}
    try:
        return get_adapter(request).get_provider(request, provider_ids[name])
    except (KeyError, SocialApp.DoesNotExist):
        raise ResourceNotFound("No such single sign-on provider.") from None


def sso_api_login_begin(*, request: HttpRequest, provider: Provider, redirect_uri: str) -> HttpResponse:
    """Redirect to the provider; allauth's flow then ends at `auth/sso/complete` or at `redirect_uri#error=`."""
    try:
        return provider.redirect(
            request, AuthProcess.LOGIN, next_url=reverse("auth-sso-complete"), data={"redirect_uri": redirect_uri}
        )
    except requests.RequestException:  # the OIDC discovery document could not be read
        raise ProviderUnavailable("The single sign-on provider cannot be reached.") from None


def sso_api_login_finish(*, request: HttpRequest) -> HttpResponse:
    """Trade the session allauth signed in for a second-step token, and end it: API clients hold no cookie."""
    redirect_uri = request.session.pop(API_REDIRECT_URI, None)
    if redirect_uri is None or not request.user.is_authenticated:
        raise ResourceNotFound("No single sign-on is waiting to complete here.")
    try:
        started = mfa_login_start(user=request.user)
        fragment = {"mfa_token": started.mfa_token, "methods": ",".join(started.methods)}
    except MFARequired as error:
        fragment = {"enrollment_token": error.extra["enrollment_token"]}
    logout(request)
    return ClientRedirect(f"{redirect_uri}#{urlencode(fragment, safe=',')}")


def _client_redirect_uri(state: Mapping[str, Any] | None) -> str | None:
    return ((state or {}).get("data") or {}).get("redirect_uri")


def sso_failure_response(request: HttpRequest, *, state: Mapping[str, Any] | None, error: str) -> HttpResponse:
    """An API sign-in ends at `redirect_uri#error=<code>`; a dashboard one back on our login page."""
    redirect_uri = _client_redirect_uri(state)
    if redirect_uri:
        return ClientRedirect(f"{redirect_uri}#{urlencode({'error': error})}")
    messages.error(request, FAILURES[error])
    return redirect("login")


def _sso_linked(*, user: User, provider: str, existing_account: bool) -> None:
    audit_event_record(action=AuditEvent.Action.SSO_LINKED, user=user, data={"provider": provider})
    if existing_account:
        message = f"A {provider} account was linked to your Bastion account and can now sign in to it."
        security_notice_email_send(user=user, subject="single sign-on linked", message=message)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # local sign-up is our own register page; SocialAccountAdapter opens SSO sign-up

    def add_message(self, *args: Any, **kwargs: Any) -> None:
        """allauth's messages speak of its own pages ("signed in" before the second factor): say nothing."""

    def pre_login(self, request: HttpRequest, user: User, **kwargs: Any) -> HttpResponse | None:
        if super().pre_login(request, user, **kwargs) is None:
            return None
        sociallogin = (kwargs["signal_kwargs"] or {}).get("sociallogin")
        return sso_failure_response(request, state=sociallogin and sociallogin.state, error="account_inactive")

    def post_login(self, request: HttpRequest, user: User, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        sociallogin = (kwargs["signal_kwargs"] or {}).get("sociallogin")
        if sociallogin is not None:
            data = {"provider": sociallogin.account.provider}
            audit_event_record(action=AuditEvent.Action.SSO_LOGIN, user=user, data=data)
            if redirect_uri := _client_redirect_uri(sociallogin.state):
                # Stored after allauth's login, which flushes the session when another user was signed in.
                request.session[API_REDIRECT_URI] = redirect_uri
        return response


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        # allauth has matched linked accounts, and accounts by a verified email; what is left would be a
        # new account, which may only take an address the provider verified (never an unverified one
        # that another account holds, or that its owner could not register afterwards).
        if sociallogin.state.get("process") == AuthProcess.CONNECT or sociallogin.is_existing:
            return
        verified = [address.email.lower() for address in sociallogin.email_addresses if address.verified]
        if not verified:
            failure = sso_failure_response(request, state=sociallogin.state, error="email_not_verified")
            raise ImmediateHttpResponse(failure)
        if (sociallogin.user.email or "").lower() not in verified:
            sociallogin.user.email = verified[0]

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Provider,
        error: str | None = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        code = "access_denied" if error in (AuthError.CANCELLED, AuthError.DENIED) else "provider_error"
        state = (extra_context or {}).get("state")
        raise ImmediateHttpResponse(sso_failure_response(request, state=state, error=code))

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]) -> User:
        user = super().populate_user(request, sociallogin, data)
        full_name = data.get("name") or " ".join(filter(None, (data.get("first_name"), data.get("last_name"))))
        user.full_name = full_name[:200]
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> User:
        sociallogin.user.is_verified = True  # pre_social_login admitted only a provider-verified email
        user = super().save_user(request, sociallogin, form)
        audit_event_record(action=AuditEvent.Action.REGISTERED, user=user, data={"via": "sso"})
        _sso_linked(user=user, provider=sociallogin.account.provider, existing_account=False)
        return user


# allauth links an account to an existing user (by verified email, or from its connections page)
# without calling an adapter, so this receiver is the only place to record it.
@receiver(social_account_added, dispatch_uid="accounts.sso.social_account_added")
def _social_account_added(sender: type, request: HttpRequest, sociallogin: SocialLogin, **kwargs: Any) -> None:
    _sso_linked(user=sociallogin.user, provider=sociallogin.account.provider, existing_account=True)
