"""Every seed-compatible route is an alias of the canonical view it names, documented where it says."""

import pytest
from django.conf import settings
from django.urls import URLPattern, resolve

from config.compat.base import COMPAT_TAG, SeedAlias
from config.compat.urls import urlpatterns

ROUTES: list[URLPattern] = list(urlpatterns)
# Stand-ins for the canonical paths' parameters, so that they resolve.
PARAMETER_VALUES = {
    "{device_id}": "00000000-0000-0000-0000-000000000000",
    "{chat_id}": "00000000-0000-0000-0000-000000000000",
    "{provider}": "oidc",
}


def _canonical(alias: type[SeedAlias]) -> tuple[str, type]:
    method, canonical_path = alias.canonical.split(" ")
    for parameter, value in PARAMETER_VALUES.items():
        canonical_path = canonical_path.replace(parameter, value)
    return method.lower(), resolve(canonical_path).func.view_class


@pytest.mark.parametrize("route", ROUTES, ids=[str(route.pattern) for route in ROUTES])
def test_each_alias_runs_the_canonical_view_it_names(route):
    alias = route.callback.view_class
    method, canonical_view = _canonical(alias)

    assert issubclass(alias, SeedAlias)
    assert issubclass(alias, canonical_view), (alias, canonical_view)
    assert hasattr(canonical_view, method)
    assert route.name.startswith(f"seed{alias.seed}-")
    assert set(alias.http_method_names) == {*alias.methods, "options"}


def test_the_accounts_aliases_cover_the_seeds_documented_paths():
    paths = {f"/{route.pattern}" for route in ROUTES}

    assert paths >= {
        "/auth/register",
        "/auth/login",
        "/auth/logout",
        "/auth/password-reset",
        "/auth/reset-password",
        "/api/v1/auth/jwt/login",
        "/api/v1/auth/forgot-password",
        "/api/v1/2fa/setup",
        "/api/v1/2fa/verify",
        "/api/v1/2fa/backup-codes",
        "/api/v1/2fa/disable",
        "/api/v1/webauthn/register/begin",
        "/api/v1/webauthn/register/complete",
        "/api/v1/webauthn/authenticate/begin",
        "/api/v1/webauthn/authenticate/complete",
        "/api/v1/auth/sso/login",
        "/api/auth/register",
        "/api/auth/login",
    }


def test_docs_compatibility_lists_every_alias_with_its_canonical_route():
    document = (settings.BASE_DIR / "docs" / "COMPATIBILITY.md").read_text()
    rows = [line for line in document.splitlines() if line.startswith("|")]

    for route in ROUTES:
        alias = route.callback.view_class
        spellings = [f"`{method.upper()} /{route.pattern}`" for method in alias.methods]
        row = next((row for row in rows if any(spelling in row for spelling in spellings)), None)
        assert row is not None, f"docs/COMPATIBILITY.md does not list /{route.pattern}"
        assert f"`{alias.canonical}`" in row, (route.pattern, alias.canonical)


@pytest.mark.django_db
def test_the_schema_keeps_aliases_under_their_own_tag(client):
    schema = client.get("/openapi.json").json()
    alias_paths = {f"/{route.pattern}" for route in ROUTES}

    for path, operations in schema["paths"].items():
        for operation in operations.values():
            is_alias = COMPAT_TAG in operation["tags"]
            assert is_alias == (path in alias_paths), path
            if is_alias:
                assert operation["tags"] == [COMPAT_TAG]
                assert operation["operationId"].startswith("seed")
                assert operation["summary"].startswith("Seed ")
                assert "docs/COMPATIBILITY.md" in operation["description"]
