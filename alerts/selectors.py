from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import QuerySet

from alerts.models import Alert, NotificationSettings
from core.selectors import get_visible

if TYPE_CHECKING:
    from organizations.models import Actor, Organization


def alert_list(*, actor: "Actor") -> QuerySet[Alert]:
    return Alert.objects.visible_to(actor).select_related("project").order_by("-created_at", "pk")


def alert_get(*, actor: "Actor", alert_id: UUID) -> Alert:
    return get_visible(alert_list(actor=actor).select_related("organization"), what="Alert", pk=alert_id)


def alert_unread_count(*, organization: "Organization") -> int:
    """What the inbox badge shows: open alerts nobody has read. `organization` came through the door."""
    return Alert.objects.in_organization(organization).filter(is_read=False, is_resolved=False).count()


def notification_settings_get(*, organization: "Organization") -> NotificationSettings:
    """The organization's settings, or the defaults (unsaved) until someone changes them."""
    found = NotificationSettings.objects.in_organization(organization).first()
    return found or NotificationSettings(organization=organization)
