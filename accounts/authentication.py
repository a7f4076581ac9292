from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, ExpiredTokenError, TokenError
from rest_framework_simplejwt.exceptions import InvalidToken as LibraryInvalidToken
from rest_framework_simplejwt.tokens import Token

from accounts.models import User
from accounts.tokens import AccessToken
from core.exceptions import InvalidToken, TokenExpired


def access_token_validate(raw_token: bytes | str) -> AccessToken:
    """Decode and check an access token (signature, algorithm, expiry, revocation) or raise a 401."""
    try:
        return AccessToken(raw_token)
    except ExpiredTokenError:
        raise TokenExpired() from None
    except TokenError:
        raise InvalidToken() from None


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's header parsing, Bastion's error codes: `INVALID_TOKEN` or `TOKEN_EXPIRED`."""

    def get_validated_token(self, raw_token: bytes) -> Token:
        return access_token_validate(raw_token)

    def get_user(self, validated_token: Token) -> User:
        try:
            return super().get_user(validated_token)
        except (AuthenticationFailed, LibraryInvalidToken):
            raise InvalidToken() from None

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'


class JWTAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
