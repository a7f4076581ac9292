"""WebSocket authentication: an access token in the `Sec-WebSocket-Protocol` header or the first message."""

import json
from typing import Any
from urllib.parse import ParseResult

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from accounts.authentication import JWTAuthentication, access_token_validate
from config.api.exceptions import BastionError

# Clients offer ["bearer", "<access token>"]; the server answers with "bearer".
BEARER_SUBPROTOCOL = "bearer"
CLOSE_UNAUTHENTICATED = 4401


@sync_to_async
def user_from_token(raw_token: str) -> Any:
    """The active user a valid, unrevoked access token names, or an anonymous user."""
    try:
        token = access_token_validate(raw_token)
        return JWTAuthentication().get_user(token)
    except BastionError:
        return AnonymousUser()


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        scope = dict(scope, user=AnonymousUser())
        protocols = scope.get("subprotocols") or []
        if len(protocols) >= 2 and protocols[0] == BEARER_SUBPROTOCOL:
            scope["user"] = await user_from_token(protocols[1])
        return await super().__call__(scope, receive, send)


class BrowserOriginValidator(OriginValidator):
    """Browsers send `Origin` and must come from an allowed host; token-bearing non-browser clients send none."""

    def __init__(self, application: Any) -> None:
        super().__init__(application, settings.ALLOWED_HOSTS)

    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        return parsed_origin is None or self.validate_origin(parsed_origin)


class AuthenticatedJsonConsumer(AsyncJsonWebsocketConsumer):
    """Accepts a socket, then closes it with 4401 unless a valid token came with it or in its first message.

    Subclasses implement `on_authenticated()` and `on_message(content)`.
    """

    async def connect(self) -> None:
        offered = self.scope.get("subprotocols") or []
        await self.accept(BEARER_SUBPROTOCOL if BEARER_SUBPROTOCOL in offered else None)
        if self.scope["user"].is_authenticated:
            await self.on_authenticated()
        elif offered[:1] == [BEARER_SUBPROTOCOL]:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        try:
            content = json.loads(text_data or "")
        except ValueError:
            content = None
        if not self.scope["user"].is_authenticated:
            token = content.get("token") if isinstance(content, dict) and content.get("type") == "auth" else None
            self.scope["user"] = await user_from_token(token) if isinstance(token, str) else AnonymousUser()
            if not self.scope["user"].is_authenticated:
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            await self.on_authenticated()
            return
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "error_code": "INVALID_REQUEST", "detail": "Send JSON objects."})
            return
        await self.on_message(content)

    async def on_authenticated(self) -> None:
        raise NotImplementedError

    async def on_message(self, content: dict[str, Any]) -> None:
        raise NotImplementedError
