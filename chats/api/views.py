from typing import Any
from uuid import UUID

from asgiref.sync import async_to_sync
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from chats import registry
from chats.api import serializers as io
from chats.api.sse import sse_response
from chats.exceptions import ChatArchived, PromptBlocked, QuotaExceeded
from chats.models import Chat
from chats.selectors import chats as selectors
from chats.services import chats as services
from chats.services.completions import Answer, completion_prepare, completion_run
from chats.services.policies import guardrail_policy_get, guardrail_policy_update
from core.exceptions import AlreadyExists, ResourceNotFound
from core.providers import ProviderUnavailable
from organizations.api.base import TenantAPIView, in_body, in_query, in_url
from organizations.roles import Action

TAGS = ["chats"]
SSE_DESCRIPTION = (
    "With `stream: true` the answer comes as Server-Sent Events: `guardrail` (when the guardrails warned or "
    "redacted), `token` events `{content}`, then `done` with the body below, or `error` in the error shape."
)


def answer_body(answer: Answer, chat: Chat | None) -> dict[str, Any]:
    return {
        "id": answer.id,
        "model": answer.model,
        "message": {"role": "assistant", "content": answer.content},
        "tokens_used": answer.usage.tokens_in + answer.usage.tokens_out,
        "prompt_tokens": answer.usage.tokens_in,
        "completion_tokens": answer.usage.tokens_out,
        "finish_reason": answer.finish_reason,
        "is_partial": answer.partial,
        "chat_id": str(chat.pk) if chat else None,
        "guardrail": answer.guardrail,
    }


class ModelListView(TenantAPIView):
    required_actions = {"GET": Action.CHAT_USE}
    organization_from = in_query("organization_id")

    @extend_schema(
        summary="The models an organization may use",
        description="Without `organization_id`: those of your only organization (or the deployment's registry).",
        parameters=[io.ModelListQuerySerializer],
        responses={200: io.ModelListOutputSerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        self.query(io.ModelListQuerySerializer)
        specs = registry.registry_models(self.organization)
        body = [
            {**spec.__dict__, "name": spec.name or spec.id, "offline": spec.provider == "offline"} for spec in specs
        ]
        return Response(
            io.ModelListOutputSerializer({"items": body, "total": len(body), "skip": 0, "limit": len(body)}).data
        )


GATEWAY_ERRORS = (PromptBlocked, QuotaExceeded, ProviderUnavailable)


class ModelGenerateView(TenantAPIView):
    required_actions = {"POST": Action.CHAT_USE}
    domain_errors = {"POST": GATEWAY_ERRORS}
    organization_from = in_body("organization_id", sole_default=True)

    @extend_schema(
        summary="Generate text from one prompt",
        description="One completion with no chat: guardrails, usage metering and the fallback apply as in "
        "`chat/completions`.",
        request=io.GenerateInputSerializer,
        responses={200: io.GenerateOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = io.GenerateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = given.validated_data
        prepared = completion_prepare(
            actor=request.user,
            organization=self.organization,
            messages=[{"role": "user", "content": fields["prompt"]}],
            model=fields.get("model"),
            temperature=fields.get("temperature"),
            max_tokens=fields.get("max_tokens"),
        )
        answer = async_to_sync(completion_run)(prepared)
        return Response(
            {
                "id": answer.id,
                "model": answer.model,
                "text": answer.content,
                "tokens_used": answer.usage.tokens_in + answer.usage.tokens_out,
                "finish_reason": answer.finish_reason,
                "guardrail": answer.guardrail,
            }
        )


class ChatListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": Action.CHAT_USE, "POST": Action.CHAT_USE}
    organization_from = {"GET": in_query("organization_id"), "POST": in_body("organization_id", sole_default=True)}
    serializer_class = io.ChatOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        wanted = self.query(io.ChatListQuerySerializer)
        chats = selectors.chat_list(actor=self.request.user)
        if not wanted["include_archived"]:
            chats = chats.filter(is_archived=False)
        return self.narrowed(chats, organization_path="organization")

    @extend_schema(summary="Your chats, most recent first", parameters=[io.ChatListQuerySerializer], tags=TAGS)
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        summary="Start a chat",
        request=io.ChatCreateSerializer,
        responses={201: io.ChatOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = io.ChatCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = {name: value for name, value in given.validated_data.items() if name != "organization_id"}
        fields.pop("is_archived", None)
        chat = services.chat_create(actor=request.user, organization=self.organization, **fields)
        return Response(io.ChatOutputSerializer(chat).data, status=201)


class ChatDetailView(TenantAPIView):
    required_actions = {"GET": Action.CHAT_USE, "PATCH": Action.CHAT_USE, "DELETE": Action.CHAT_USE}
    organization_from = in_url("chat_id", via=selectors.chat_get)

    @extend_schema(summary="A chat", responses={200: io.ChatOutputSerializer}, tags=TAGS)
    def get(self, request: Request, chat_id: UUID) -> Response:
        return Response(io.ChatOutputSerializer(self.tenant_object).data)

    @extend_schema(
        summary="Rename, archive or reconfigure a chat",
        request=io.ChatInputSerializer,
        responses={200: io.ChatOutputSerializer},
        tags=TAGS,
    )
    def patch(self, request: Request, chat_id: UUID) -> Response:
        given = io.ChatInputSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        chat = services.chat_update(actor=request.user, chat=self.tenant_object, **given.validated_data)
        return Response(io.ChatOutputSerializer(chat).data)

    @extend_schema(summary="Delete a chat and its messages", responses={204: None}, tags=TAGS)
    def delete(self, request: Request, chat_id: UUID) -> Response:
        services.chat_delete(actor=request.user, chat=self.tenant_object)
        return Response(status=204)


class ChatMessageListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": Action.CHAT_USE}
    organization_from = in_url("chat_id", via=selectors.chat_get)
    serializer_class = io.MessageOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        return selectors.chat_messages(chat=self.tenant_object)

    @extend_schema(summary="A chat's messages, oldest first", tags=TAGS)
    def get(self, request: Request, chat_id: UUID) -> Response:
        return super().get(request)


class CompletionView(TenantAPIView):
    required_actions = {"POST": Action.CHAT_USE}
    domain_errors = {"POST": (*GATEWAY_ERRORS, ChatArchived)}
    organization_from = in_body("organization_id", sole_default=True, or_through=("chat_id", selectors.chat_get))

    def chat_named(self, chat_id: UUID | None) -> Chat | None:
        if chat_id is None:
            return None
        chat = self.tenant_object or selectors.chat_get(actor=self.request.user, chat_id=chat_id)
        if chat.organization_id != self.organization.pk:
            raise ResourceNotFound("Chat not found.")  # the caller's own chat, but of another organization
        return chat

    @extend_schema(
        summary="Complete a conversation, guarded",
        description="The prompt and any retrieved context are screened first: a block answers 422 "
        "`PROMPT_BLOCKED` with the categories and raises an alert; personal data and secrets are replaced "
        "before anything leaves and restored in the answer. " + SSE_DESCRIPTION,
        request=io.CompletionInputSerializer,
        responses={
            200: OpenApiResponse(io.CompletionOutputSerializer, description="The answer (or an SSE stream)."),
        },
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = io.CompletionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        chat = self.chat_named(fields.pop("chat_id", None))
        stream = fields.pop("stream")
        fields.pop("organization_id", None)
        prepared = completion_prepare(actor=request.user, organization=self.organization, chat=chat, **fields)
        if stream:
            return sse_response(prepared, lambda answer: answer_body(answer, chat))
        answer = async_to_sync(completion_run)(prepared)
        return Response(answer_body(answer, chat))


class SystemPromptListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": Action.CHAT_USE, "POST": Action.CHAT_USE}
    domain_errors = {"POST": (AlreadyExists,)}
    organization_from = {"GET": in_query("organization_id"), "POST": in_body("organization_id", sole_default=True)}
    serializer_class = io.SystemPromptOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        self.query(io.ModelListQuerySerializer)
        return self.narrowed(selectors.system_prompt_list(actor=self.request.user), organization_path="organization")

    @extend_schema(summary="Your organizations' system prompts", parameters=[io.ModelListQuerySerializer], tags=TAGS)
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        summary="Add a system prompt to an organization's library",
        request=io.SystemPromptCreateSerializer,
        responses={201: io.SystemPromptOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = io.SystemPromptCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = {name: value for name, value in given.validated_data.items() if name != "organization_id"}
        prompt = services.system_prompt_create(actor=request.user, organization=self.organization, **fields)
        return Response(io.SystemPromptOutputSerializer(prompt).data, status=201)


class SystemPromptDetailView(TenantAPIView):
    required_actions = {"GET": Action.CHAT_USE, "PUT": Action.CHAT_USE, "PATCH": Action.CHAT_USE,
                        "DELETE": Action.CHAT_USE}  # fmt: skip
    domain_errors = {"PUT": (AlreadyExists,), "PATCH": (AlreadyExists,)}
    organization_from = in_url("system_prompt_id", via=selectors.system_prompt_get)

    @extend_schema(summary="A system prompt", responses={200: io.SystemPromptOutputSerializer}, tags=TAGS)
    def get(self, request: Request, system_prompt_id: UUID) -> Response:
        return Response(io.SystemPromptOutputSerializer(self.tenant_object).data)

    def _update(self, request: Request, *, partial: bool) -> Response:
        given = io.SystemPromptInputSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        prompt = services.system_prompt_update(
            actor=request.user, system_prompt=self.tenant_object, **given.validated_data
        )
        return Response(io.SystemPromptOutputSerializer(prompt).data)

    @extend_schema(
        summary="Replace a system prompt",
        request=io.SystemPromptInputSerializer,
        responses={200: io.SystemPromptOutputSerializer},
        tags=TAGS,
    )
    def put(self, request: Request, system_prompt_id: UUID) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        summary="Change a system prompt",
        request=io.SystemPromptInputSerializer,
        responses={200: io.SystemPromptOutputSerializer},
        tags=TAGS,
    )
    def patch(self, request: Request, system_prompt_id: UUID) -> Response:
        return self._update(request, partial=True)

    @extend_schema(summary="Delete a system prompt", responses={204: None}, tags=TAGS)
    def delete(self, request: Request, system_prompt_id: UUID) -> Response:
        services.system_prompt_delete(actor=request.user, system_prompt=self.tenant_object)
        return Response(status=204)


class GuardrailPolicyView(TenantAPIView):
    required_actions = {"GET": Action.CHAT_USE, "PATCH": Action.GUARDRAILS_MANAGE}
    organization_from = in_url("organization_id")

    @extend_schema(
        summary="What the guardrails do with each risk, in one organization",
        responses={200: io.GuardrailPolicySerializer},
        tags=TAGS,
    )
    def get(self, request: Request, organization_id: UUID) -> Response:
        policy = guardrail_policy_get(organization=self.organization)
        return Response(io.GuardrailPolicySerializer(policy.rules).data)

    @extend_schema(
        summary="Change the guardrail policy (owners and admins)",
        description="Each category takes an action (allow, warn, block; redact for pii and secrets) and a "
        "threshold from 0 to 100. Categories left out keep their rule.",
        request=io.GuardrailPolicySerializer,
        responses={200: io.GuardrailPolicySerializer},
        tags=TAGS,
    )
    def patch(self, request: Request, organization_id: UUID) -> Response:
        given = io.GuardrailPolicySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        policy = guardrail_policy_update(actor=request.user, organization=self.organization, rules=given.validated_data)
        return Response(io.GuardrailPolicySerializer(policy.rules).data)
