"""The tenancy door of the dashboard pages, the API's (organizations/api/base.py) behind the session.

The organization comes from `organization_list`, the selector `organization_get` reads, and the role
check is the door's own `actor_can`: absent and not-yours are the same 404 page, a role the role table
does not allow gets the 403 page. Pages hide what a role may not do; the services refuse it anyway.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.exceptions import ResourceNotFound
from organizations.access import actor_can, actor_role
from organizations.context_processors import organizations_of
from organizations.models import Organization
from organizations.roles import Action, Role, role_allows, roles_assignable

T = TypeVar("T")


def found(selector: Callable[..., T], **arguments: object) -> T:
    """Call a selector; its "not found, or not yours" becomes the 404 page."""
    try:
        return selector(**arguments)
    except ResourceNotFound as error:
        raise Http404(str(error.detail)) from None


@dataclass(frozen=True)
class OrganizationAccess:
    """An organization a page was asked for, the visitor, and their role in it."""

    organization: Organization
    actor: object
    role: str

    @property
    def can(self) -> dict[str, bool]:
        """Every action of the role table by name (`can.members_manage`), for templates."""
        return {action.name.lower(): role_allows(self.role, action) for action in Action}

    def require(self, action: Action) -> None:
        if not actor_can(actor=self.actor, organization=self.organization, action=action):
            raise PermissionDenied(f"Your role in {self.organization.name} does not allow this.")


def organization_access(request: HttpRequest, organization_id: UUID, action: Action | None) -> OrganizationAccess:
    """The organization for a page that needs `action`: 404 for outsiders, then 403 for a role without it."""
    # The navigation's list (organization_list, as organization_get reads it), so that a page reads its
    # organization and the switcher's once between them.
    organization = next((o for o in organizations_of(request) if o.pk == organization_id), None)
    if organization is None:
        raise Http404("Organization not found.")
    role = actor_role(actor=request.user, organization=organization) or ""
    access = OrganizationAccess(organization=organization, actor=request.user, role=role)
    if action is not None:
        access.require(action)
    return access


def section_render(
    request: HttpRequest, template: str, access: OrganizationAccess, section: str, **context: object
) -> HttpResponse:
    """A page of the organization's sections; 400 when a form on it was refused."""
    context = {
        "organization": access.organization,
        "role": access.role,
        "can": access.can,
        "section": section,
    } | context
    refused = any(isinstance(value, forms.Form) and value.errors for value in context.values())
    return render(request, template, context, status=400 if refused else 200)


def role_choices(access: OrganizationAccess) -> list[tuple[str, str]]:
    # The services' own owner rule, so a page offers only what it would accept.
    assignable = roles_assignable(access.role)
    return [(value, label) for value, label in Role.choices if value in assignable]
