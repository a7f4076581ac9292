"""Changing and ending memberships. An organization always keeps an owner; only owners touch owners."""

from typing import TYPE_CHECKING

from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_event_record
from core.exceptions import InsufficientPermissions
from core.selectors import get_visible
from organizations.access import actor_role, memberships_forget, organization_action_require
from organizations.exceptions import LastOwnerError
from organizations.models import Membership, Organization
from organizations.roles import Action, Role, roles_assignable
from organizations.services.api_keys import api_keys_revoke_created_by

if TYPE_CHECKING:
    from organizations.models import Actor


def _membership_lock(membership: Membership) -> Membership:
    """Lock the organization, then re-read the membership: every check after this sees settled rows."""
    # One lock on the organization row serializes the membership changes in it, so two owners demoting
    # each other or leaving at once are answered in turn, each reading roles the other has committed.
    # NO KEY: rows that merely reference the organization (projects, keys) can still be written meanwhile.
    Organization.objects.in_organization(membership.organization_id).select_for_update(no_key=True).first()
    memberships_forget()  # the actor's role too is read again, from the settled rows
    settled = Membership.objects.in_organization(membership.organization_id).select_related("organization", "user")
    return get_visible(settled, what="Member", pk=membership.pk)


def _owner_rules_check(*, actor: "Actor", membership: Membership, new_role: str | None) -> None:
    organization = membership.organization
    assignable = roles_assignable(actor_role(actor=actor, organization=organization))
    if membership.role not in assignable or (new_role is not None and new_role not in assignable):
        raise InsufficientPermissions("Only an owner can make or change an owner.")
    stepping_down = membership.role == Role.OWNER and new_role != Role.OWNER
    if stepping_down and Membership.objects.in_organization(organization).filter(role=Role.OWNER).count() <= 1:
        raise LastOwnerError()


@transaction.atomic
def membership_role_change(*, actor: "Actor", membership: Membership, role: str) -> Membership:
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
        data={"member": str(membership.user_id), "from": previous, "to": role},
    )
    return membership


def membership_removal_action(*, actor: "Actor", membership: Membership) -> Action:
    """The role-table action that ending `membership` needs: leaving is every member's right, removing
    someone else is managing members. The API's door, the pages and this service all ask this."""
    leaving = membership.user_id == getattr(actor, "pk", None)
    return Action.MEMBERSHIP_LEAVE if leaving else Action.MEMBERS_MANAGE


@transaction.atomic
def membership_remove(*, actor: "Actor", membership: Membership, revoke_api_keys: bool = False) -> int:
    """Remove a member; anyone may also leave on their own, within the owner rules.

    The API keys they created are the organization's and keep working, unless `revoke_api_keys` asks
    to revoke them in the same step (which needs the right to manage keys). Returns how many were.
    """
    membership = _membership_lock(membership)
    action = membership_removal_action(actor=actor, membership=membership)
    organization_action_require(actor=actor, organization=membership.organization, action=action)
    _owner_rules_check(actor=actor, membership=membership, new_role=None)
    # Before the membership goes: an admin leaving may revoke their own keys on the way out.
    revoked = (
        api_keys_revoke_created_by(actor=actor, organization=membership.organization, created_by_id=membership.user_id)
        if revoke_api_keys
        else 0
    )
    audit_event_record(
        action=AuditEvent.Action.MEMBER_REMOVED,
        user=actor,
        organization=membership.organization,
        data={"member": str(membership.user_id), "role": membership.role},
    )
    membership.delete()
    memberships_forget()
    return revoked
