from typing import Any, ClassVar

from django.db.models import QuerySet
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from config.api.permissions import IsUserOrApiKey
from organizations.access import actor_can, organizations_allowing
from organizations.models import Organization
from organizations.roles import Action


class RoleAllows(BasePermission):
    """The role table's answer for the view's `required_actions[method]` in the object's organization."""

    message = "Your role in this organization does not allow this."

    def has_object_permission(self, request: Request, view: Any, obj: Organization) -> bool:
        return actor_can(actor=request.user, organization=obj, action=view.required_actions[request.method])


class TenantAPIView(GenericAPIView):
    """Base of every endpoint on organization-owned objects.

    `required_actions` maps each HTTP method to the role-table action it needs; `authorize()` checks it
    (through `RoleAllows`) against the organization of the object the view fetched through a
    `visible_to` selector, so an outsider has already had a 404. A list across organizations keeps
    those in `allowed_organizations()`: what it shows is what the detail would let the same actor
    read, for a person's role and a key's scopes alike. The tenant-isolation tests read
    `required_actions` too.
    """

    permission_classes = [IsUserOrApiKey, RoleAllows]
    required_actions: ClassVar[dict[str, Action]] = {}

    def authorize(self, organization: Organization) -> None:
        self.check_object_permissions(self.request, organization)

    def allowed_organizations(self) -> QuerySet[Organization]:
        """The organizations in which this method's action is allowed: the filter of a list across them."""
        return organizations_allowing(actor=self.request.user, action=self.required_actions[self.request.method])
