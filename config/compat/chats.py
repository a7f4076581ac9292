"""Seed 002's chat and LLM routes and seed 000's model routes, as aliases of the gateway's views.

Seed 002 documents one conversation per person (`chat/send`, `chat/history`, `chat/clear` name no
chat): it is the person's most recent open chat in the organization, started on the first message.
A client may still name one with `chat_id`.
"""

from typing import Any
from uuid import UUID

from django.urls import path
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from chats.api import views
from chats.selectors.chats import chat_get, chat_latest, chat_messages
from chats.services.chats import chat_clear, chat_latest_ensure
from config.compat.base import SeedAlias, seed_alias
from organizations.api.base import in_query

ONE_CONVERSATION = (
    "Without `chat_id`, the person's most recent open chat in the organization (started on the first message); "
    "`organization_id` may be left out by someone in one organization."
)


class Seed002SendInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=100_000, trim_whitespace=False)
    chat_id = serializers.UUIDField(required=False)
    organization_id = serializers.UUIDField(required=False)
    model = serializers.CharField(max_length=100, required=False)
    use_rag = serializers.BooleanField(required=False)


class Seed002ChatSendView(SeedAlias, views.CompletionView):
    seed = "002"
    canonical = "POST /api/v1/chat/completions"
    deviations = "Takes `message` for `messages`. " + ONE_CONVERSATION + " Adds `response`, the answer's text."
    schema_overrides = {"request": Seed002SendInputSerializer}

    def seed_request(self, data: dict[str, Any]) -> dict[str, Any]:
        message = data.pop("message", None)
        if isinstance(message, str):
            data["messages"] = [{"role": "user", "content": message}]
        elif message is not None:
            data["messages"] = message  # refused by the canonical serializer, naming the field
        return super().seed_request(data)

    def chat_named(self, chat_id: UUID | None) -> Any:
        if chat_id is None:
            return chat_latest_ensure(actor=self.request.user, organization=self.organization)
        return super().chat_named(chat_id)

    def seed_body(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "response": body["message"]["content"]}


class Seed002ChatStreamView(Seed002ChatSendView):
    deviations = "As `chat/send`, answered as Server-Sent Events (`token` events, then `done`)."

    def seed_request(self, data: dict[str, Any]) -> dict[str, Any]:
        return {**super().seed_request(data), "stream": True}


class Seed002HistoryQuerySerializer(serializers.Serializer):
    chat_id = serializers.UUIDField(required=False)
    organization_id = serializers.UUIDField(required=False)


class _OneConversation:
    """Where seed 002's history and clear find the conversation: `chat_id` or the latest chat."""

    def conversation(self) -> Any:
        given = self.query(Seed002HistoryQuerySerializer)
        if given.get("chat_id"):
            chat = chat_get(actor=self.request.user, chat_id=given["chat_id"])
            return chat if self.organization is None or chat.organization_id == self.organization.pk else None
        organization = self.organization or self.allowed_organizations().first()
        return chat_latest(actor=self.request.user, organization=organization) if organization else None


class Seed002ChatHistoryView(_OneConversation, SeedAlias, views.ChatMessageListView):
    seed = "002"
    canonical = "GET /api/v1/chats/{chat_id}/messages"
    methods = ("get",)
    deviations = ONE_CONVERSATION.replace(" (started on the first message)", "") + " Empty when there is none."
    organization_from = in_query("organization_id")
    schema_overrides = {"parameters": [Seed002HistoryQuerySerializer]}

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        chat = self.conversation()
        return chat_messages(chat=chat) if chat else chat_messages(chat=None).none()

    def get(self, request: Request) -> Response:  # the canonical handler takes the chat's id from the path
        return self.list(request)


class Seed002ChatClearView(_OneConversation, SeedAlias, views.ChatDetailView):
    seed = "002"
    canonical = "DELETE /api/v1/chats/{chat_id}"
    methods = ("delete",)
    deviations = (
        "Deletes the conversation's messages and keeps the chat (" + ONE_CONVERSATION.split(";")[0].lower() + ")."
    )
    organization_from = in_query("organization_id")
    schema_overrides = {
        "parameters": [OpenApiParameter("chat_id", UUID), OpenApiParameter("organization_id", UUID)],
        "responses": {204: None},
    }

    def delete(self, request: Request) -> Response:
        chat = self.conversation()
        if chat is not None:
            chat_clear(actor=request.user, chat=chat)
        return Response(status=204)


urlpatterns = [
    path("api/v1/chat/send", Seed002ChatSendView.as_view(), name="seed002-chat-send"),
    path("api/v1/chat/stream", Seed002ChatStreamView.as_view(), name="seed002-chat-stream"),
    path("api/v1/chat/history", Seed002ChatHistoryView.as_view(), name="seed002-chat-history"),
    path("api/v1/chat/clear", Seed002ChatClearView.as_view(), name="seed002-chat-clear"),
    path(
        "api/v1/llm/chat",
        seed_alias(views.CompletionView, seed="002", canonical="POST /api/v1/chat/completions").as_view(),
        name="seed002-llm-chat",
    ),
    path(
        "api/v1/llm/models",
        seed_alias(views.ModelListView, seed="002", canonical="GET /api/v1/models", methods=("get",)).as_view(),
        name="seed002-llm-models",
    ),
    path(
        "models/list",
        seed_alias(views.ModelListView, seed="000", canonical="GET /api/v1/models", methods=("get",)).as_view(),
        name="seed000-models-list",
    ),
    path(
        "models/generate",
        seed_alias(views.ModelGenerateView, seed="000", canonical="POST /api/v1/models/generate").as_view(),
        name="seed000-models-generate",
    ),
]
