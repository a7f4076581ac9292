"""`ws/chat/<chat_id>/`: one chat, streamed live to every socket its owner has open on it.

The socket authenticates as every Bastion socket does (`accounts.websocket`), then joins the chat's
channel-layer group. A `message` sent on any of the owner's sockets is answered through the same
gateway as `chat/completions` (`completion_prepare`, then `typed_events`), and every event of the
turn goes to the group, so each open tab sees the stored `message`, the `guardrail` verdict, the
`token`s and the `done` (or `error`) alike. Errors about the sender's own input go to the sender only.

Close codes (see docs/CHAT.md):
    4400  a binary frame: the protocol is JSON text
    4401  no valid token within WEBSOCKET_AUTH_TIMEOUT, or the login was revoked
    4403  the owner's role in the chat's organization no longer allows chats
    4404  no such chat, or not the caller's: both look the same
    4429  CHAT_SOCKET_STRIKES messages in a row refused by the rate limit

A socket closing mid-answer cancels its answer: the provider call stops, `completion_stream` stores
what was sent so far as a partial answer (finish reason `disconnected`), and the chat's other sockets
get an `error` event ANSWER_INTERRUPTED, so none of them waits for a `done` that will not come.
"""

import asyncio
import logging
import uuid
from contextlib import aclosing, suppress
from typing import Any
from uuid import UUID

from asgiref.sync import sync_to_async
from django.conf import settings
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from accounts.ratelimits import rate_counted
from accounts.websocket import AuthenticatedJsonConsumer
from chats.api.serializers import MessageOutputSerializer
from chats.api.sse import typed_events
from chats.api.views import answer_body
from chats.exceptions import AnswerInProgress, AnswerInterrupted, PromptBlocked
from chats.models import Chat
from chats.selectors.chats import chat_get, chat_messages
from chats.services.completions import Prepared, completion_prepare
from config.api.exceptions import api_exception_handler, internal_error_body
from core.exceptions import BastionError, InsufficientPermissions, RateLimitExceeded, ResourceNotFound
from core.push import chat_group
from organizations.access import actor_can
from organizations.roles import Action

logger = logging.getLogger(__name__)

CLOSE_MALFORMED = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_RATE_LIMITED = 4429


class ChatSocketMessageSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=settings.LLM_MAX_MESSAGE_CHARS, trim_whitespace=False)
    model = serializers.CharField(max_length=100, required=False)
    use_rag = serializers.BooleanField(default=False)
    collection_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=20)

    def validate_content(self, content: str) -> str:
        if not content.strip():
            raise serializers.ValidationError("Write a message.")
        return content


def error_event(error: Exception, **more: Any) -> dict[str, Any]:
    """An `error` event in the API's error shape (with the error's extra fields, such as `categories`)."""
    if isinstance(error, BastionError | ValidationError):
        body = api_exception_handler(error, {}).data
    else:
        # The id ties what the person is told to the log line, as the API's request ids do.
        reference = uuid.uuid4().hex[:12]
        logger.error("Unexpected error answering on a chat socket (request id %s)", reference, exc_info=error)
        body = internal_error_body(reference)
    return {"type": "error", **body, **more}


@sync_to_async
def _chat_for(user: Any, chat_id: str) -> Chat:
    """The caller's own chat, fresh (archived, model, prompt), or ResourceNotFound."""
    try:
        UUID(chat_id)
    except ValueError:
        raise ResourceNotFound("Chat not found.") from None
    chat = chat_get(actor=user, chat_id=chat_id)
    if not actor_can(actor=user, organization=chat.organization, action=Action.CHAT_USE):
        raise InsufficientPermissions(f"Your role in {chat.organization.name} does not allow chats.")
    return chat


@sync_to_async
def _over_limit(user: Any) -> bool:
    return rate_counted(group="chat-socket-message", value=str(user.pk), rate=settings.CHAT_SOCKET_MESSAGE_RATE)


@sync_to_async
def _prepare(user: Any, chat: Chat, fields: dict[str, Any]) -> Prepared:
    content = fields.pop("content")
    return completion_prepare(
        actor=user, organization=chat.organization, chat=chat, messages=[{"role": "user", "content": content}], **fields
    )


@sync_to_async
def _stored_block(chat: Chat, message_id: str | None) -> dict[str, Any] | None:
    message = chat_messages(chat=chat).filter(pk=message_id).first() if message_id else None
    return MessageOutputSerializer(message).data if message else None


class ChatConsumer(AuthenticatedJsonConsumer):
    chat: Chat | None = None
    answering: asyncio.Task | None = None
    strikes = 0

    async def on_authenticated(self) -> None:
        chat = await self._own_chat()
        if chat is None:
            return
        self.chat = chat
        await self.channel_layer.group_add(chat_group(chat.pk), self.channel_name)
        self.groups.append(chat_group(chat.pk))  # discarded by Channels when the socket closes
        await self.send_json({"type": "authenticated", "chat": {"id": str(chat.pk), "title": chat.title}})

    async def _own_chat(self) -> Chat | None:
        """The chat, read again; a socket that may not (or no longer) read it is closed first."""
        try:
            return await _chat_for(self.scope["user"], self.scope["url_route"]["kwargs"]["chat_id"])
        except ResourceNotFound:
            await self.close(code=CLOSE_NOT_FOUND)
        except InsufficientPermissions:
            await self.close(code=CLOSE_FORBIDDEN)
        return None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        if bytes_data is not None:
            await self.close(code=CLOSE_MALFORMED)
            return
        await super().receive(text_data=text_data, **kwargs)

    async def on_message(self, content: dict[str, Any]) -> None:
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "message":
            await self._message(content)
        else:
            unknown = BastionError("Unknown message type: send `message` or `ping`.")
            await self.send_json(error_event(unknown))

    async def _message(self, content: dict[str, Any]) -> None:
        given = ChatSocketMessageSerializer(data={key: value for key, value in content.items() if key != "type"})
        if not given.is_valid():
            await self.send_json(error_event(ValidationError(given.errors)))
            return
        if self.answering and not self.answering.done():
            await self.send_json(error_event(AnswerInProgress()))
            return
        if await _over_limit(self.scope["user"]):
            self.strikes += 1
            if self.strikes >= settings.CHAT_SOCKET_STRIKES:
                await self.close(code=CLOSE_RATE_LIMITED)
                return
            refused = RateLimitExceeded("Too many messages: wait a minute before sending more.")
            await self.send_json(error_event(refused))
            return
        self.strikes = 0
        chat = await self._own_chat()
        if chat is not None:
            # A task, so that pings are answered meanwhile and a disconnect can cancel the answer.
            self.answering = asyncio.ensure_future(self._answer(chat, dict(given.validated_data)))

    async def _broadcast(self, event: dict[str, Any]) -> None:
        await self.channel_layer.group_send(chat_group(self.chat.pk), {"type": "chat.event", "event": event})

    async def _answer(self, chat: Chat, fields: dict[str, Any]) -> None:
        try:
            prepared = await _prepare(self.scope["user"], chat, fields)
        except PromptBlocked as error:
            await self._blocked(chat, error)
            return
        except Exception as error:  # noqa: BLE001 -- every refusal is answered on the socket, not by closing it
            await self.send_json(error_event(error))
            return
        turn = str(prepared.user_message.pk)
        await self._broadcast({"type": "message", **MessageOutputSerializer(prepared.user_message).data})
        try:
            async with aclosing(typed_events(prepared, lambda answer: answer_body(answer, chat))) as events:
                async for kind, data in events:
                    await self._broadcast({"type": kind, **data, "reply_to": turn})
        except asyncio.CancelledError:
            # The partial answer is stored by now (completion_stream shields its write).
            with suppress(Exception):
                await self._broadcast(error_event(AnswerInterrupted(), reply_to=turn))
            raise
        except Exception as error:  # noqa: BLE001 -- the tabs must hear that the turn ended
            await self._broadcast(error_event(error, reply_to=turn))

    async def _blocked(self, chat: Chat, error: PromptBlocked) -> None:
        stored = await _stored_block(chat, error.extra.get("message_id"))
        turn = str(stored["id"]) if stored else None
        if stored:
            await self._broadcast({"type": "message", **stored})
        await self._broadcast({"type": "guardrail", **error.extra["guardrail"], "reply_to": turn})
        await self._broadcast(error_event(error, reply_to=turn))

    async def chat_event(self, event: dict[str, Any]) -> None:
        await self.send_json(event["event"])

    async def disconnect(self, code: int) -> None:
        if self.answering and not self.answering.done():
            self.answering.cancel()
            with suppress(asyncio.CancelledError):
                await self.answering
