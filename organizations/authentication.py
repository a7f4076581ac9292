from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from core.exceptions import InvalidToken
from organizations.models import ApiKey, ApiKeyActor
from organizations.services.api_keys import api_key_authenticate


def _raw_key(request: Request) -> str | None:
    """The key the request offers, "" for a blank X-API-Key, None when it offers none."""
    if "HTTP_X_API_KEY" in request.META:
        # Two credentials could name two identities; refusing beats guessing which one was meant.
        if request.META.get("HTTP_AUTHORIZATION"):
            raise InvalidToken("Send one credential: an Authorization header or an X-API-Key, not both.")
        return request.META["HTTP_X_API_KEY"].strip()
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value.startswith(ApiKey.PREFIX) else None


class ApiKeyAuthentication(BaseAuthentication):
    """`X-API-Key: bsk_…` or `Authorization: Bearer bsk_…`; runs before JWT so a key is never parsed as one."""

    def authenticate(self, request: Request) -> tuple[ApiKeyActor, ApiKey] | None:
        raw_key = _raw_key(request)
        if raw_key is None:
            return None
        # A blank header is a key that failed, not an anonymous request.
        api_key = api_key_authenticate(raw_key=raw_key) if raw_key else None
        if api_key is None:
            raise InvalidToken("The API key is invalid, expired or revoked.")
        return ApiKeyActor(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "organizations.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "X-API-Key"}
