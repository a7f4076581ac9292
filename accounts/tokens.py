"""simplejwt tokens whose revocation lists never hold a usable token.

The library records outstanding tokens with their full text; a copy of that table would be a copy
of every live session. Bastion records the jti and a SHA-256 digest instead.
"""

import hashlib
import uuid
from typing import Any

from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.models import User


def family_prefix(family: str) -> str:
    return f"family={family} "


class _DigestRecordMixin:
    payload: dict[str, Any]
    current_time: Any

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


class AccessToken(_DigestRecordMixin, tokens.BlacklistMixin, tokens.AccessToken):
    """An access token that can be revoked before it expires (logout checks its jti)."""


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
