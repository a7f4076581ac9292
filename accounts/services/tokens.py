"""Token writes: issuing, rotating and revoking JWT pairs."""

import json
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from accounts.ratelimits import rate_counted
from accounts.tokens import (
    AccessToken,
    RefreshToken,
    claims_check,
    family_of,
    family_prefix,
    family_revoked,
    family_revoked_mark,
)
from accounts.websocket import family_group, user_sessions_group
from core.encryption import decrypt, encrypt
from core.exceptions import InvalidToken, RateLimitExceeded, TokenExpired
from core.push import push_to_group


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def token_pair_issue(*, user: User) -> TokenPair:
    refresh = RefreshToken.for_user(user)
    return _pair(refresh)


def _pair(refresh: RefreshToken) -> TokenPair:
    access = refresh.access_token
    return TokenPair(access_token=str(access), refresh_token=str(refresh), expires_in=access["exp"] - access["iat"])


# ws/alerts/ reads a token only in its first message; the socket stays signed in after that.
SOCKET_TOKEN_LIFETIME = timedelta(seconds=60)
# A page asks once per (re)connection; a loop asking faster is a bug or a script minting tokens.
SOCKET_TOKEN_RATE = "30/m"


def socket_token_issue(*, user: User) -> str:
    """A short-lived access token for a signed-in browser's WebSocket, which accepts tokens only."""
    if rate_counted(group="socket-token-user", value=str(user.pk), rate=SOCKET_TOKEN_RATE):
        error = RateLimitExceeded("Too many socket tokens were asked for: wait a minute.")
        error.wait = 60
        raise error
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=SOCKET_TOKEN_LIFETIME)
    return str(token)


def _refresh_payload(raw: str) -> dict[str, Any]:
    try:
        payload = token_backend.decode(raw, verify=True)
    except TokenBackendExpiredToken:
        raise TokenExpired("The refresh token has expired.") from None
    except TokenBackendError:
        raise InvalidToken("The refresh token is invalid.") from None
    try:
        claims_check(payload, token_type="refresh")
    except TokenError:
        raise InvalidToken("The refresh token is invalid.") from None
    return payload


def _revoke(outstanding: QuerySet[OutstandingToken]) -> int:
    revoked = [BlacklistedToken(token=record) for record in outstanding.filter(blacklistedtoken__isnull=True)]
    BlacklistedToken.objects.bulk_create(revoked, ignore_conflicts=True)
    return len(revoked)


def _sockets_close(group: str) -> None:
    """Close the WebSockets of a revoked login or user with 4401, once the revocation is committed."""
    push_to_group(group, {"type": "session.revoked"})


def _family_revoke(family: str | None) -> int:
    if not family:
        return 0
    family_revoked_mark(family)
    _sockets_close(family_group(family))
    return _revoke(OutstandingToken.objects.filter(token__startswith=family_prefix(family)))


ROTATED_PREFIX = "refresh-rotated:"


def _rotation_remember(jti: str, pair: TokenPair) -> None:
    """Keep a rotation's answer for the reuse interval, encrypted: the cache must not hold usable tokens."""
    interval = settings.JWT_REFRESH_REUSE_INTERVAL
    if interval > 0:
        cache.set(f"{ROTATED_PREFIX}{jti}", encrypt(json.dumps(asdict(pair))), timeout=interval)


def _rotation_recalled(jti: str, family: str) -> TokenPair | None:
    stored = cache.get(f"{ROTATED_PREFIX}{jti}")
    if stored is None or family_revoked(family):
        return None
    return TokenPair(**json.loads(decrypt(stored)))


def token_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate a refresh token. Presenting one that was already rotated revokes its whole family.

    Within `JWT_REFRESH_REUSE_INTERVAL` seconds of its rotation, a refresh token presented again gets
    the same new pair instead: two tabs refreshing at once are one client, not a thief.
    """
    payload = _refresh_payload(refresh_token)
    jti, family = payload[api_settings.JTI_CLAIM], payload.get("fam")
    with transaction.atomic():
        # The lock makes a concurrent refresh wait for this one's answer to be remembered.
        record = OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=jti).select_related("user").first()
        if record is None or BlacklistedToken.objects.filter(token=record).exists():
            recalled = _rotation_recalled(jti, family) if family else None
            if recalled is not None:
                return recalled
            _family_revoke(family)
        else:
            BlacklistedToken.objects.create(token=record)
            if record.user is not None and record.user.is_active:
                pair = _pair(RefreshToken.for_user(record.user, family=family))
                _rotation_remember(jti, pair)
                return pair
    # Raised outside the transaction so the revocation above is kept.
    raise InvalidToken("The refresh token has been revoked.")


def auth_logout(*, user: User, access_token: AccessToken, refresh_token: str | None = None) -> None:
    """Revoke the access token in hand and, when given, every token of the refresh token's login."""
    with transaction.atomic():
        access_token.blacklist()
        family = access_token.get("fam")
        if refresh_token:
            try:
                payload = _refresh_payload(refresh_token)
            except (InvalidToken, TokenExpired):
                payload = {}
            if payload.get(api_settings.USER_ID_CLAIM) == str(user.pk):
                family = payload.get("fam") or family
        _family_revoke(family)


def user_tokens_revoke(*, user: User) -> int:
    """Revoke every token the user holds, refresh and access alike (password change, reset, account lock)."""
    live = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True, expires_at__gt=timezone.now())
    for family in {family_of(record.token) for record in live}:
        if family:
            family_revoked_mark(family)
    _sockets_close(user_sessions_group(user.pk))
    return _revoke(OutstandingToken.objects.filter(user=user))


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    """Deactivate an account and end every login it has, open WebSockets included."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_tokens_revoke(user=user)


def expired_tokens_flush() -> int:
    """Delete outstanding and revoked token records whose tokens expired: they can no longer be used."""
    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
