from typing import ClassVar

from rest_framework.generics import GenericAPIView

from config.api.permissions import IsUserOrApiKey
from organizations.access import organization_action_require
from organizations.models import Organization
from organizations.roles import Action


class TenantAPIView(GenericAPIView):
    """Base of every endpoint on organization-owned objects.

    `required_actions` maps each HTTP method to the role-table action it needs; `authorize()` checks it
    against the organization of the object the view fetched through a `visible_to` selector (so an
    outsider has already had a 404). The tenant-isolation tests read `required_actions` too.
    """

    permission_classes = [IsUserOrApiKey]
    required_actions: ClassVar[dict[str, Action]] = {}

    def authorize(self, organization: Organization) -> None:
        action = self.required_actions[self.request.method]
        organization_action_require(actor=self.request.user, organization=organization, action=action)
