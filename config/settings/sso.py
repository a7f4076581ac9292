"""Single sign-on: which providers are on, and how allauth is held to SSO only."""

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .env import env_list

# --- Single sign-on: django-allauth serves SSO only (accounts/sso.py adapts it) ----------------------
# Our own pages and API do every password sign-in, sign-up, reset and second factor; allauth only
# runs the OAuth/OIDC handshakes. Users are matched by an email the provider says is verified.
SSO_OIDC_PROVIDER_ID = "oidc"


def sso_providers(env: Mapping[str, str]) -> dict[str, Any]:
    """allauth's SOCIALACCOUNT_PROVIDERS from `SSO_*` variables: a provider is on when its client id is set."""

    def app(prefix: str) -> dict[str, Any]:
        if not env.get(f"{prefix}_CLIENT_SECRET"):
            raise ImproperlyConfigured(f"{prefix}_CLIENT_ID is set: set {prefix}_CLIENT_SECRET too.")
        return {"client_id": env[f"{prefix}_CLIENT_ID"], "secret": env[f"{prefix}_CLIENT_SECRET"]}

    providers: dict[str, Any] = {}
    if env.get("SSO_GOOGLE_CLIENT_ID"):
        providers["google"] = {"APPS": [app("SSO_GOOGLE")], "OAUTH_PKCE_ENABLED": True}
    if env.get("SSO_GITHUB_CLIENT_ID"):
        providers["github"] = {"APPS": [app("SSO_GITHUB")]}
    if env.get("SSO_OIDC_CLIENT_ID"):
        if not env.get("SSO_OIDC_SERVER_URL"):
            raise ImproperlyConfigured("SSO_OIDC_CLIENT_ID is set: set SSO_OIDC_SERVER_URL (the issuer) too.")
        oidc = app("SSO_OIDC") | {"provider_id": SSO_OIDC_PROVIDER_ID, "name": env.get("SSO_OIDC_NAME") or "SSO"}
        oidc["settings"] = {"server_url": env["SSO_OIDC_SERVER_URL"], "oauth_pkce_enabled": True}
        providers["openid_connect"] = {"APPS": [oidc]}
    return providers


def sso_authorization_origins(providers: Mapping[str, Any]) -> list[str]:
    """Where an SSO button's form ends up after allauth's redirect: browsers hold it to the page's `form-action`."""
    known = {"google": "https://accounts.google.com", "github": "https://github.com"}
    origins = [known[name] for name in providers if name in known]
    # The issuer's origin: where nearly every provider also serves its authorization endpoint.
    for app in providers.get("openid_connect", {}).get("APPS", []):
        issuer = urlsplit(app["settings"]["server_url"])
        origins.append(f"{issuer.scheme}://{issuer.netloc}")
    return origins


SOCIALACCOUNT_PROVIDERS = sso_providers(os.environ)
SSO_FORM_ACTION_ORIGINS = sso_authorization_origins(SOCIALACCOUNT_PROVIDERS)
# Exact URIs, or `scheme://host[:port]/path-prefix*`, that `auth/sso/{provider}/login` may send tokens to.
SSO_REDIRECT_URI_ALLOWLIST = env_list("SSO_REDIRECT_URI_ALLOWLIST")
SOCIALACCOUNT_ONLY = True  # allauth mounts no password, sign-up, reset or email pages of its own
ACCOUNT_ADAPTER = "accounts.sso.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.sso.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*"]
# No verification mail (SOCIALACCOUNT_ONLY requires it): the adapter admits only provider-verified emails.
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
