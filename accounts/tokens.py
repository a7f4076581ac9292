"""simplejwt tokens whose revocation lists never hold a usable token.

The library records outstanding tokens with their full text; a copy of that table would be a copy
of every live session. Bastion records the jti and a SHA-256 digest instead.
"""

import hashlib
import uuid
from typing import Any

from django.core.cache import cache
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.models import User

REVOKED_FAMILY_PREFIX = "revoked-token-family:"


def family_prefix(family: str) -> str:
    return f"family={family} "


def family_of(record_text: str) -> str | None:
    """The family a recorded token belongs to, read back from what `_record_text` wrote."""
    if not record_text.startswith("family="):
        return None
    return record_text.removeprefix("family=").split(" ", 1)[0]


def _is_timestamp(value: Any) -> bool:
    # Bounded, so a signed `exp` of 1e308 cannot overflow the datetime it is turned into.
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 10**11


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def claims_check(payload: Any, *, token_type: str) -> None:
    """Refuse a signed claim set Bastion did not write, before any claim is read.

    A valid signature says who wrote the token, not that every claim has the shape the code after
    this expects; a missing `jti` or a string `exp` would otherwise surface as a 500.
    """
    well_formed = (
        isinstance(payload, dict)
        and payload.get(api_settings.TOKEN_TYPE_CLAIM) == token_type
        and isinstance(payload.get(api_settings.JTI_CLAIM), str)
        and bool(payload[api_settings.JTI_CLAIM])
        and _is_uuid(payload.get(api_settings.USER_ID_CLAIM))
        and _is_timestamp(payload.get("exp"))
        and ("iat" not in payload or _is_timestamp(payload["iat"]))
        and ("fam" not in payload or (isinstance(payload["fam"], str) and bool(payload["fam"])))
    )
    if not well_formed:
        raise TokenError("Token has a malformed claim set")


class _DigestRecordMixin:
    payload: dict[str, Any]
    current_time: Any
    token_type: str

    def verify(self) -> None:
        claims_check(self.payload, token_type=self.token_type)
        super().verify()  # type: ignore[misc]

    def _record_text(self) -> str:
        # The family prefix lets reuse detection find every token of one login in one query.
        digest = "sha256=" + hashlib.sha256(str(self).encode()).hexdigest()
        family = self.payload.get("fam")
        return f"{family_prefix(family)}{digest}" if family else digest

    def outstand(self) -> OutstandingToken:
        record, _ = OutstandingToken.objects.get_or_create(
            jti=self.payload[api_settings.JTI_CLAIM],
            defaults={
                "user_id": self.payload.get(api_settings.USER_ID_CLAIM),
                "created_at": self.current_time,
                "token": self._record_text(),
                "expires_at": datetime_from_epoch(self.payload["exp"]),
            },
        )
        return record

    def blacklist(self) -> BlacklistedToken:
        record, _ = BlacklistedToken.objects.get_or_create(token=self.outstand())
        return record


def family_revoked_mark(family: str) -> None:
    """Remember for an access token's lifetime that a login's family is revoked.

    Refresh tokens are revoked in the database; the access tokens already handed out in that family
    are refused through this mark until they would have expired anyway.
    """
    lifetime = int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds())
    cache.set(f"{REVOKED_FAMILY_PREFIX}{family}", True, timeout=lifetime)


def family_revoked(family: str) -> bool:
    return bool(cache.get(f"{REVOKED_FAMILY_PREFIX}{family}"))


class AccessToken(_DigestRecordMixin, tokens.BlacklistMixin, tokens.AccessToken):
    """An access token that can be revoked before it expires: by its jti (logout) or its login's family."""

    def check_blacklist(self) -> None:
        super().check_blacklist()
        self.check_family()

    def check_family(self) -> None:
        family = self.payload.get("fam")
        if family and family_revoked(family):
            raise TokenError("Token is blacklisted")


class AccessTokenJtiUnchecked(AccessToken):
    """Every check of AccessToken but the jti's blacklist row: for a caller that reads that row itself,
    in the same query as the user (accounts.authentication.access_token_user)."""

    def check_blacklist(self) -> None:
        self.check_family()


class RefreshToken(_DigestRecordMixin, tokens.RefreshToken):
    access_token_class = AccessToken

    @classmethod
    def for_user(cls, user: User, *, family: str | None = None) -> "RefreshToken":
        token = cls()
        token[api_settings.USER_ID_CLAIM] = str(user.pk)
        # The family ties every rotation of one login together, so reuse can revoke them all.
        token["fam"] = family or uuid.uuid4().hex
        token.outstand()
        return token
