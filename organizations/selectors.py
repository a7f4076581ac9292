from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, QuerySet

from core.encryption import secret_digest
from core.selectors import get_visible
from organizations.models import ApiKey, Invitation, Membership, Organization

if TYPE_CHECKING:
    from accounts.models import User
    from organizations.models import Actor


def organization_list(*, actor: "Actor") -> QuerySet[Organization]:
    # Counted in SQL in the same query: a list costs one query whatever its length. The explicit order
    # matters: Meta.ordering is dropped from an aggregated query, and pages must be stable.
    members = Count("memberships", distinct=True)
    return Organization.objects.visible_to(actor).annotate(member_count=members).order_by("name", "pk")


def organization_get(*, actor: "Actor", organization_id: UUID) -> Organization:
    return get_visible(organization_list(actor=actor), what="Organization", pk=organization_id)


def membership_list(*, actor: "Actor", organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.visible_to(actor).filter(organization=organization).select_related("user")


def membership_get(*, actor: "Actor", organization: Organization, membership_id: UUID) -> Membership:
    return get_visible(membership_list(actor=actor, organization=organization), what="Member", pk=membership_id)


def invitation_list(*, actor: "Actor", organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.visible_to(actor).filter(organization=organization).select_related("invited_by")


def invitation_get(*, actor: "Actor", organization: Organization, invitation_id: UUID) -> Invitation:
    invitations = invitation_list(actor=actor, organization=organization)
    return get_visible(invitations, what="Invitation", pk=invitation_id)


def invitation_for_token(*, token: str, user: "User") -> Invitation | None:
    """The pending invitation an emailed token opens for this person; None when it opens nothing for them."""
    # The same digest invitation_create stores; the token itself is never kept.
    digest = secret_digest(token)
    invitation = Invitation.objects.by_digest(digest).select_related("organization", "invited_by").first()
    if invitation is None or invitation.status != "pending" or invitation.email.lower() != user.email.lower():
        return None
    return invitation


def api_key_list(*, actor: "Actor") -> QuerySet[ApiKey]:
    """Live keys, each with its creator and `created_by_is_member`: a key outlives its creator's membership."""
    creator_is_member = Membership.objects.in_organization(OuterRef("organization")).filter(user=OuterRef("created_by"))
    return (
        ApiKey.objects.visible_to(actor)
        .filter(revoked_at__isnull=True)
        .select_related("organization", "created_by")
        .annotate(created_by_is_member=Exists(creator_is_member))
    )


def api_key_get(*, actor: "Actor", api_key_id: UUID) -> ApiKey:
    return get_visible(api_key_list(actor=actor), what="API key", pk=api_key_id)
