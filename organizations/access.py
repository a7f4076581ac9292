"""Role checks: the role table (organizations/roles.py) applied to an actor and an organization.

A person acts through their membership's role, an API key through its scopes; both questions are
asked here and nowhere else, for one organization (`actor_can`) or for a list across them
(`organizations_allowing`), so a list never shows what the detail would refuse.
"""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from core.exceptions import InsufficientPermissions
from organizations.models import Membership, Organization
from organizations.roles import Action, role_allows, roles_allowed, scopes_allow

if TYPE_CHECKING:
    from organizations.models import Actor


def actor_role(*, actor: "Actor", organization: Organization) -> str | None:
    if getattr(actor, "is_api_key", False):
        return None
    return Membership.objects.filter(organization=organization, user=actor).values_list("role", flat=True).first()


def actor_can(*, actor: "Actor", organization: Organization, action: Action) -> bool:
    if getattr(actor, "is_api_key", False):
        return actor.organization_id == organization.pk and scopes_allow(actor.scopes, action)
    role = actor_role(actor=actor, organization=organization)
    return role is not None and role_allows(role, action)


def organizations_allowing(*, actor: "Actor", action: Action) -> QuerySet[Organization]:
    """The organizations in which the actor may do `action`, as one query for filtering lists."""
    visible = Organization.objects.visible_to(actor)
    if getattr(actor, "is_api_key", False):
        return visible if scopes_allow(actor.scopes, action) else visible.none()
    allowed = Membership.objects.filter(user=actor, role__in=roles_allowed(action))
    return visible.filter(pk__in=allowed.values("organization"))


def organization_action_require(*, actor: "Actor", organization: Organization, action: Action) -> None:
    """Raise 403 unless the actor may do `action`. Callers fetched `organization` through `visible_to`."""
    if not actor_can(actor=actor, organization=organization, action=action):
        raise InsufficientPermissions(f"Your role in {organization.name} does not allow {action}.")
