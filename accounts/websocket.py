"""WebSocket authentication: an access token in the `Sec-WebSocket-Protocol` header or the first message."""

import asyncio
from typing import Any
from urllib.parse import ParseResult

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from accounts.authentication import access_token_user
from core.client_json import json_loads
from core.exceptions import BastionError

# Clients offer ["bearer", "<access token>"]; the server answers with "bearer".
BEARER_SUBPROTOCOL = "bearer"
CLOSE_UNAUTHENTICATED = 4401


def family_group(family: str) -> str:
    """The channel-layer group of one login's sockets, closed when that login's tokens are revoked."""
    return f"token-family-{family}"


def user_sessions_group(user_id: object) -> str:
    """The channel-layer group of all of a user's sockets, closed when all of the user's tokens are revoked."""
    return f"user-sessions-{user_id}"


@sync_to_async
def user_from_token(raw_token: str) -> tuple[Any, str | None]:
    """The active user a valid, unrevoked access token names and the login (family) it belongs to."""
    try:
        user, token = access_token_user(raw_token)
        return user, token.get("fam")
    except BastionError:
        return AnonymousUser(), None


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        scope = dict(scope, user=AnonymousUser())
        protocols = scope.get("subprotocols") or []
        if len(protocols) >= 2 and protocols[0] == BEARER_SUBPROTOCOL:
            scope["user"], scope["token_family"] = await user_from_token(protocols[1])
        return await super().__call__(scope, receive, send)


class BrowserOriginValidator(OriginValidator):
    """Browsers send `Origin` and must come from an allowed host; token-bearing non-browser clients send none."""

    def __init__(self, application: Any) -> None:
        super().__init__(application, settings.ALLOWED_HOSTS)

    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        return parsed_origin is None or self.validate_origin(parsed_origin)


class AuthenticatedJsonConsumer(AsyncJsonWebsocketConsumer):
    """Accepts a socket, then closes it with 4401 unless a valid token came with it or in its first message.

    An authenticated socket lives only as long as its login: revoking the login's tokens closes it
    with 4401 too. Subclasses implement `on_authenticated()` and `on_message(content)`.
    """

    auth_deadline: asyncio.Task | None = None

    async def connect(self) -> None:
        offered = self.scope.get("subprotocols") or []
        await self.accept(BEARER_SUBPROTOCOL if BEARER_SUBPROTOCOL in offered else None)
        if self.scope["user"].is_authenticated:
            await self._authenticated(self.scope.get("token_family"))
        elif offered[:1] == [BEARER_SUBPROTOCOL]:
            await self.close(code=CLOSE_UNAUTHENTICATED)
        else:
            self.auth_deadline = asyncio.ensure_future(self._close_unless_authenticated())

    async def _close_unless_authenticated(self) -> None:
        # An open socket costs the server; one that never says who it is gets a few seconds.
        await asyncio.sleep(settings.WEBSOCKET_AUTH_TIMEOUT)
        if not self.scope["user"].is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def _authenticated(self, family: str | None) -> None:
        if self.auth_deadline:
            self.auth_deadline.cancel()
        user = self.scope["user"]
        for group in [user_sessions_group(user.pk), *([family_group(family)] if family else [])]:
            await self.channel_layer.group_add(group, self.channel_name)
            # Channels discards `groups` when the socket disconnects.
            self.groups.append(group)
        await self.on_authenticated()

    async def session_revoked(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        if self.auth_deadline:
            self.auth_deadline.cancel()
        await super().websocket_disconnect(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        try:
            content = json_loads(text_data or "")
        except ValueError:
            # Unreadable or nested too deep: answered below like any message that is not an object.
            content = None
        if not self.scope["user"].is_authenticated:
            token = content.get("token") if isinstance(content, dict) and content.get("type") == "auth" else None
            user, family = await user_from_token(token) if isinstance(token, str) else (AnonymousUser(), None)
            self.scope["user"] = user
            if not user.is_authenticated:
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            await self._authenticated(family)
            return
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "error_code": "INVALID_REQUEST", "detail": "Send JSON objects."})
            return
        await self.on_message(content)

    async def on_authenticated(self) -> None:
        raise NotImplementedError

    async def on_message(self, content: dict[str, Any]) -> None:
        raise NotImplementedError
