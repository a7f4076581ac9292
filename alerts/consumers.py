"""`ws/alerts/`: the alerts inbox of every organization the signed-in person may read alerts in."""

from typing import Any

from asgiref.sync import sync_to_async

from accounts.websocket import AuthenticatedJsonConsumer
from alerts.selectors import alert_unread_count
from core.push import organization_alerts_group
from organizations.access import organizations_allowing
from organizations.roles import Action


@sync_to_async
def _unread_counts(user: Any) -> dict[str, int]:
    """Each organization where the person may read alerts, with its unread count."""
    allowed = organizations_allowing(actor=user, action=Action.ALERTS_VIEW)
    return {str(organization.pk): alert_unread_count(organization=organization) for organization in allowed}


@sync_to_async
def _may_read(user: Any, organization_id: str) -> bool:
    return organizations_allowing(actor=user, action=Action.ALERTS_VIEW).filter(pk=organization_id).exists()


class AlertsConsumer(AuthenticatedJsonConsumer):
    async def on_authenticated(self) -> None:
        counts = await _unread_counts(self.scope["user"])
        for organization_id in counts:
            group = organization_alerts_group(organization_id)
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups.append(group)  # discarded by Channels when the socket closes
        await self.send_json({"type": "authenticated", "unread_counts": counts})

    async def on_message(self, content: dict[str, Any]) -> None:
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "error_code": "INVALID_REQUEST", "detail": "Unknown message type."})

    async def alerts_event(self, event: dict[str, Any]) -> None:
        # Asked again for each event: someone removed from the organization since connecting hears nothing.
        if await _may_read(self.scope["user"], event["organization_id"]):
            await self.send_json(event["payload"])
