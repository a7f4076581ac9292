"""Access tokens a client may still hold after they stopped being good: for the refusal tests of every API."""

import time

import jwt
from django.conf import settings

from accounts.services.tokens import auth_logout, token_pair_issue
from accounts.tokens import AccessToken


def expired_access_token(user: object) -> str:
    now = int(time.time())
    claims = {"token_type": "access", "sub": str(user.pk), "jti": "e" * 32, "iat": now - 600, "exp": now - 5}
    return jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"])


def revoked_access_token(user: object) -> str:
    token = token_pair_issue(user=user).access_token
    auth_logout(user=user, access_token=AccessToken(token))
    return token


# (make a token, the code it is refused with), for a parametrized test.
STALE_TOKENS = [(expired_access_token, "TOKEN_EXPIRED"), (revoked_access_token, "INVALID_TOKEN")]
