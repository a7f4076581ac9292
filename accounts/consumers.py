from typing import Any

from accounts.websocket import AuthenticatedJsonConsumer
from core.push import user_group


class UserEventsConsumer(AuthenticatedJsonConsumer):
    """`ws/events/`: a signed-in user's live event stream."""

    group: str | None = None

    async def on_authenticated(self) -> None:
        user = self.scope["user"]
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json({"type": "authenticated", "user": {"id": str(user.pk), "email": user.email}})

    async def on_message(self, content: dict[str, Any]) -> None:
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "error_code": "INVALID_REQUEST", "detail": "Unknown message type."})

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def user_event(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])
