"""Changing and ending memberships. An organization always keeps an owner; only owners touch owners."""

from typing import TYPE_CHECKING

from django.db import transaction

from accounts.models import AuditEvent
from accounts.services.audit import audit_event_record
from config.api.exceptions import InsufficientPermissions, ResourceNotFound
from organizations.access import actor_role, memberships_forget, organization_action_require
from organizations.exceptions import LastOwnerError
from organizations.models import Membership, Organization
from organizations.roles import Action, Role
from organizations.services.api_keys import api_keys_revoke_created_by

if TYPE_CHECKING:
    from django.http import HttpRequest

    from organizations.models import Actor


def _membership_lock(membership: Membership) -> Membership:
    """Lock the organization, then re-read the membership: every check after this sees settled rows."""
    # One lock on the organization row serializes the membership changes in it, so two owners demoting
    # each other or leaving at once are answered in turn, each reading roles the other has committed.
    # NO KEY: rows that merely reference the organization (projects, keys) can still be written meanwhile.
    Organization.objects.select_for_update(no_key=True).filter(pk=membership.organization_id).first()
    memberships_forget()  # the actor's role too is read again, from the settled rows
    try:
        return Membership.objects.select_related("organization", "user").get(pk=membership.pk)
    except Membership.DoesNotExist:
        raise ResourceNotFound("Member not found.") from None


def _owner_rules_check(*, actor: "Actor", membership: Membership, new_role: str | None) -> None:
    organization = membership.organization
    touches_owner = membership.role == Role.OWNER or new_role == Role.OWNER
    if touches_owner and actor_role(actor=actor, organization=organization) != Role.OWNER:
        raise InsufficientPermissions("Only an owner can make or change an owner.")
    stepping_down = membership.role == Role.OWNER and new_role != Role.OWNER
    if stepping_down and Membership.objects.filter(organization=organization, role=Role.OWNER).count() <= 1:
        raise LastOwnerError()


@transaction.atomic
def membership_role_change(
    *, actor: "Actor", membership: Membership, role: str, request: "HttpRequest | None" = None
) -> Membership:
    membership = _membership_lock(membership)
    organization_action_require(actor=actor, organization=membership.organization, action=Action.MEMBERS_MANAGE)
    _owner_rules_check(actor=actor, membership=membership, new_role=role)
    previous, membership.role = membership.role, role
    membership.save(update_fields=["role"])
    memberships_forget()
    audit_event_record(
        action=AuditEvent.Action.MEMBER_ROLE_CHANGED,
        user=actor,
        organization=membership.organization,
        request=request,
        data={"member": str(membership.user_id), "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(
    *, actor: "Actor", membership: Membership, revoke_api_keys: bool = False, request: "HttpRequest | None" = None
) -> int:
    """Remove a member; anyone may also leave on their own, within the owner rules.

    The API keys they created are the organization's and keep working, unless `revoke_api_keys` asks
    to revoke them in the same step (which needs the right to manage keys). Returns how many were.
    """
    membership = _membership_lock(membership)
    leaving = membership.user_id == getattr(actor, "pk", None)
    if not leaving:
        organization_action_require(actor=actor, organization=membership.organization, action=Action.MEMBERS_MANAGE)
    _owner_rules_check(actor=actor, membership=membership, new_role=None)
    # Before the membership goes: an admin leaving may revoke their own keys on the way out.
    revoked = (
        api_keys_revoke_created_by(
            actor=actor, organization=membership.organization, created_by_id=membership.user_id, request=request
        )
        if revoke_api_keys
        else 0
    )
    audit_event_record(
        action=AuditEvent.Action.MEMBER_REMOVED,
        user=actor,
        organization=membership.organization,
        request=request,
        data={"member": str(membership.user_id), "role": membership.role},
    )
    membership.delete()
    memberships_forget()
    return revoked
