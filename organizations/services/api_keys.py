"""Organization API keys: shown once, stored as a digest, limited to scopes, revocable."""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_event_record
from core.encryption import secret_digest
from core.validation import model_check
from organizations.access import organization_action_require
from organizations.exceptions import ExpiryInPast
from organizations.models import ApiKey, Organization
from organizations.roles import Action

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from organizations.models import Actor

# Recording every use would write on every request; once a minute is enough to answer "is it used?".
LAST_USED_GRANULARITY_SECONDS = 60


@transaction.atomic
def api_key_create(
    *,
    actor: "Actor",
    organization: Organization,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret, which is never available again."""
    organization_action_require(actor=actor, organization=organization, action=Action.API_KEYS_MANAGE)
    if expires_at is not None and expires_at <= timezone.now():
        raise ExpiryInPast(errors={"expires_at": ["Choose a time in the future."]})
    raw_key = f"{ApiKey.PREFIX}{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        organization=organization,
        name=name,
        prefix=raw_key[:12],
        digest=secret_digest(raw_key),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
        created_by=None if getattr(actor, "is_api_key", False) else actor,
    )
    model_check(api_key)
    api_key.save()
    audit_event_record(
        action=AuditEvent.Action.API_KEY_CREATED,
        user=actor,
        organization=organization,
        data={"api_key": api_key.prefix, "scopes": api_key.scopes},
    )
    return api_key, raw_key


def _api_key_revoked(*, actor: "Actor", api_key: ApiKey, **data: str) -> None:
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    audit_event_record(
        action=AuditEvent.Action.API_KEY_REVOKED,
        user=actor,
        organization=api_key.organization,
        data={"api_key": api_key.prefix, **data},
    )


def api_key_revoke(*, actor: "Actor", api_key: ApiKey) -> None:
    organization_action_require(actor=actor, organization=api_key.organization, action=Action.API_KEYS_MANAGE)
    _api_key_revoked(actor=actor, api_key=api_key)


@transaction.atomic
def api_keys_revoke_created_by(*, actor: "Actor", organization: Organization, created_by_id: object) -> int:
    """Revoke every live key someone created in the organization, in one step: what a former member left behind.

    Keys are the organization's credentials, so they outlive their creator's membership until an admin
    decides otherwise; each revocation is audited like any other, naming whose keys they were.
    """
    organization_action_require(actor=actor, organization=organization, action=Action.API_KEYS_MANAGE)
    # Locked so two admins clicking at once revoke (and audit) each key once.
    live = ApiKey.objects.in_organization(organization).select_for_update(of=("self",)).select_related("organization")
    revoked = list(live.filter(created_by_id=created_by_id, revoked_at__isnull=True))
    for api_key in revoked:
        _api_key_revoked(actor=actor, api_key=api_key, created_by=str(created_by_id))
    return len(revoked)


@transaction.atomic
def api_keys_revoke_by_operator(*, operator: "Actor", api_keys: "QuerySet[ApiKey]") -> int:
    """Django admin: operators belong to no organization, so staff status, not the role table, lets them."""
    live = list(api_keys.filter(revoked_at__isnull=True).select_related("organization"))
    for api_key in live:
        _api_key_revoked(actor=operator, api_key=api_key, by="operator")
    return len(live)


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The usable key a raw secret stands for, recording its use; None for unknown, expired or revoked."""
    api_key = ApiKey.objects.by_digest(secret_digest(raw_key)).select_related("organization").first()
    if api_key is None or not api_key.is_usable:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > LAST_USED_GRANULARITY_SECONDS:
        ApiKey.objects.in_organization(api_key.organization_id).filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
