from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import QuerySet

from audit.models import AuditEvent

if TYPE_CHECKING:
    from organizations.models import Actor


def audit_event_list(*, actor: "Actor", organization_id: UUID | None = None) -> QuerySet[AuditEvent]:
    """The events `actor` may read, newest first; only one organization's when `organization_id` is given."""
    events = AuditEvent.objects.visible_to(actor).select_related("user", "organization")
    if organization_id is not None:
        events = events.filter(organization_id=organization_id)
    # The id breaks ties between events of the same instant, so that pages are stable.
    return events.order_by("-created_at", "-pk")
