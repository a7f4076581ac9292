"""Inviting people by email: the token is emailed once, stored as a digest, bound to that address."""

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_event_record
from core.encryption import secret_digest
from core.exceptions import InsufficientPermissions
from organizations.access import actor_role, memberships_forget, organization_action_require
from organizations.exceptions import AlreadyMember, InvitationInvalid
from organizations.models import Invitation, Membership, Organization
from organizations.roles import Action, roles_assignable

if TYPE_CHECKING:
    from organizations.models import Actor

INVITATION_LIFETIME = timedelta(days=7)


def invitation_create(
    *,
    actor: "Actor",
    organization: Organization,
    email: str,
    role: str,
    link_for: Callable[[str], str],
) -> Invitation:
    """Invite `email`; `link_for(token)` gives the page the emailed link opens."""
    organization_action_require(actor=actor, organization=organization, action=Action.INVITATIONS_MANAGE)
    if role not in roles_assignable(actor_role(actor=actor, organization=organization)):
        raise InsufficientPermissions("Only an owner can invite another owner.")
    email = email.strip().lower()
    if Membership.objects.in_organization(organization).filter(user__email__iexact=email).exists():
        raise AlreadyMember()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A fresh invitation replaces any pending one for the same address.
        Invitation.objects.in_organization(organization).filter(
            email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            digest=secret_digest(token),
            invited_by=None if getattr(actor, "is_api_key", False) else actor,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        audit_event_record(
            action=AuditEvent.Action.INVITATION_SENT,
            user=actor,
            organization=organization,
            data={"email": email, "role": role},
        )
    send_mail(
        subject=f"You are invited to {organization.name} on Bastion",
        message=f"You have been invited to join {organization.name} on Bastion as {role}.\n\n"
        f"Accept within 7 days: {link_for(token)}\n\n"
        f'Or with the API: POST /api/v1/invitations/accept with {{"token": "{token}"}}\n\n'
        f"The invitation works only for the account with the address {email}.",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    invitation = (
        Invitation.objects.by_digest(secret_digest(token))
        .select_for_update(of=("self",))
        .select_related("organization")
        .first()
    )
    if invitation is None or invitation.status != "pending" or invitation.email.lower() != user.email.lower():
        raise InvitationInvalid()
    if Membership.objects.in_organization(invitation.organization).filter(user=user).exists():
        raise AlreadyMember()
    membership = Membership.objects.create(organization=invitation.organization, user=user, role=invitation.role)
    memberships_forget()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_event_record(
        action=AuditEvent.Action.INVITATION_ACCEPTED,
        user=user,
        organization=invitation.organization,
        data={"role": invitation.role},
    )
    return membership


def invitation_revoke(*, actor: "Actor", invitation: Invitation) -> None:
    organization_action_require(actor=actor, organization=invitation.organization, action=Action.INVITATIONS_MANAGE)
    if invitation.status != "pending":
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_event_record(
        action=AuditEvent.Action.INVITATION_REVOKED,
        user=actor,
        organization=invitation.organization,
        data={"email": invitation.email},
    )
