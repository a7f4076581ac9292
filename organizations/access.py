"""Role checks: the role table (organizations/roles.py) applied to an actor and an organization.

A person acts through their membership's role, an API key through its scopes; both questions are
asked here and nowhere else, for one organization (`actor_can`) or for a list across them
(`organizations_allowing`), so a list never shows what the detail would refuse.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import QuerySet

from core.exceptions import InsufficientPermissions
from organizations.models import Membership, Organization
from organizations.roles import Action, role_allows, roles_allowed, scopes_allow

if TYPE_CHECKING:
    from accounts.models import User
    from organizations.models import Actor


# Each person's roles by organization id, read once per request (MembershipsOncePerRequestMiddleware);
# None outside a request, where every check reads the database.
_remembered: ContextVar[dict[UUID, dict[UUID, str]] | None] = ContextVar("remembered_memberships", default=None)


@contextmanager
def memberships_remembered() -> Iterator[None]:
    """Within the block, a person's memberships are read once: the page, its navigation and the service agree."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def memberships_forget() -> None:
    """After a membership changes, or once its rows are locked, the next check reads the database again."""
    remembered = _remembered.get()
    if remembered is not None:
        remembered.clear()


def actor_roles(*, actor: "User") -> dict[UUID, str]:
    """A person's role in each of their organizations, by organization id."""
    remembered = _remembered.get()
    if remembered is not None and actor.pk in remembered:
        return remembered[actor.pk]
    roles = dict(Membership.objects.held_by(actor).values_list("organization_id", "role"))
    if remembered is not None:
        remembered[actor.pk] = roles
    return roles


def actor_role(*, actor: "Actor", organization: Organization) -> str | None:
    if getattr(actor, "is_api_key", False):
        return None
    return actor_roles(actor=actor).get(organization.pk)


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
    allowed = Membership.objects.held_by(actor).filter(role__in=roles_allowed(action))
    return visible.filter(pk__in=allowed.values("organization"))


def organization_action_require(*, actor: "Actor", organization: Organization, action: Action) -> None:
    """Raise 403 unless the actor may do `action`. Callers fetched `organization` through `visible_to`."""
    if not actor_can(actor=actor, organization=organization, action=action):
        raise InsufficientPermissions(f"Your role in {organization.name} does not allow {action}.")
