"""The OpenAI-compatible API at `/v1/`: point the official `openai` client (or anything speaking its
protocol) at Bastion with an organization API key of scope `chat`, and every call is guarded,
metered and grounded exactly as `chat/completions` is. Errors come in OpenAI's shape
(config/api/openai_shape.py)."""

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

import numpy as np
from asgiref.sync import async_to_sync
from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from chats import registry
from chats.api import openai_serializers as io
from chats.embeddings import embedder
from chats.exceptions import PromptBlocked
from chats.providers.base import estimate_tokens
from chats.services.completions import (
    Answer,
    Prepared,
    StreamDone,
    completion_prepare,
    completion_run,
    completion_stream,
)
from chats.services.embeddings import embedder_named, embeddings_create
from config.api.exceptions import error_body
from config.api.openai_shape import openai_error_body
from core.exceptions import BastionError, ResourceNotFound, ValidationFailed
from core.providers import ProviderUnavailable
from organizations.api.base import TenantAPIView, in_body, in_query
from organizations.roles import Action

# OpenAI's own API reference is these routes' specification; Bastion's schema (/docs) documents its own
# error shape, which these routes do not use, so they are left out of it (docs/CHAT.md lists them).
# OpenAI's finish reasons; an answer Bastion cut short (the provider broke off) ends as "stop",
# followed by an error object, which is how OpenAI itself reports a stream that failed midway.
_FINISH = {"stop": "stop", "length": "length", "content_filter": "content_filter", "tool_calls": "tool_calls"}


def _usage(answer: Answer) -> dict[str, int]:
    tokens_in, tokens_out = answer.usage.tokens_in, answer.usage.tokens_out
    return {"prompt_tokens": tokens_in, "completion_tokens": tokens_out, "total_tokens": tokens_in + tokens_out}


def _data(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, separators=(',', ':'))}\n\n"


async def _chunks(prepared: Prepared, base: dict[str, Any], include_usage: bool) -> AsyncIterator[str]:
    first = True
    async with aclosing(completion_stream(prepared)) as stream:
        try:
            async for item in stream:
                if isinstance(item, StreamDone):
                    answer = item.answer
                    finish = _FINISH.get(answer.finish_reason, "stop")
                    yield _data({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
                    if include_usage:
                        yield _data({**base, "choices": [], "usage": _usage(answer)})
                    if answer.finish_reason == "error":
                        yield _data({"error": {"message": "The model provider failed midway.", "type": "server_error",
                                               "param": None, "code": "PROVIDER_UNAVAILABLE"}})  # fmt: skip
                    continue
                delta = {"role": "assistant", "content": item} if first else {"content": item}
                first = False
                yield _data({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
        except BastionError as error:
            body = error_body(detail=str(error.detail), status_code=error.status_code, error_code=error.error_code)
            yield _data(openai_error_body(body))
    yield "data: [DONE]\n\n"


def _encoded(vector: np.ndarray) -> str:
    return base64.b64encode(vector.astype("<f4").tobytes()).decode()


class OpenAIModelListView(TenantAPIView):
    required_actions = {"GET": Action.CHAT_USE}
    organization_from = in_query("organization_id")

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        organization = self.organization or self.allowed_organizations().first()
        data = [
            {"id": spec.id, "object": "model", "created": 0, "owned_by": spec.provider}
            for spec in registry.registry_models(organization)
        ]
        data.append({"id": embedder().name, "object": "model", "created": 0, "owned_by": "bastion"})
        return Response({"object": "list", "data": data})


class OpenAIChatCompletionsView(TenantAPIView):
    required_actions = {"POST": Action.CHAT_USE}
    domain_errors = {"POST": (PromptBlocked, ProviderUnavailable)}
    organization_from = in_body("organization_id", sole_default=True)

    @extend_schema(exclude=True)
    def post(self, request: Request) -> Response | StreamingHttpResponse:
        given = io.OpenAIChatInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = given.validated_data
        try:
            prepared = completion_prepare(
                actor=request.user,
                organization=self.organization,
                messages=[dict(message) for message in fields["messages"]],
                model=fields["model"],
                temperature=fields.get("temperature"),
                max_tokens=fields.get("max_tokens") or fields.get("max_completion_tokens"),
                use_rag=fields["use_rag"],
                collection_ids=fields.get("collection_ids"),
            )
        except ValidationFailed as error:
            if error.errors and "model" in error.errors:  # as OpenAI answers: 404, the client's NotFoundError
                raise ResourceNotFound(f"The model `{fields['model']}` does not exist or is not enabled.") from None
            raise
        base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": prepared.spec.id}
        if fields["stream"]:
            include_usage = bool((fields.get("stream_options") or {}).get("include_usage"))
            chunk_base = {**base, "object": "chat.completion.chunk"}
            response = StreamingHttpResponse(
                _chunks(prepared, chunk_base, include_usage), content_type="text/event-stream"
            )
            response["Cache-Control"] = "no-cache"
            return response
        answer = async_to_sync(completion_run)(prepared)
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": answer.content},
            "finish_reason": _FINISH.get(answer.finish_reason, "stop"),
        }
        body = {**base, "object": "chat.completion", "model": answer.model, "choices": [choice]}
        return Response({**body, "usage": _usage(answer), "guardrail": answer.guardrail})


class OpenAIEmbeddingsView(TenantAPIView):
    required_actions = {"POST": Action.CHAT_USE}
    organization_from = in_body("organization_id", sole_default=True)

    @extend_schema(exclude=True)
    def post(self, request: Request) -> Response:
        given = io.OpenAIEmbeddingsInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = given.validated_data
        embedder = embedder_named(fields["model"])
        vectors = embeddings_create(actor=request.user, organization=self.organization, embedder=embedder,
                                    texts=fields["input"])  # fmt: skip
        as_base64 = fields["encoding_format"] == "base64"
        data = [
            {"object": "embedding", "index": index, "embedding": _encoded(vector) if as_base64 else vector.tolist()}
            for index, vector in enumerate(vectors)
        ]
        tokens = sum(estimate_tokens(text) for text in fields["input"])
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return Response({"object": "list", "data": data, "model": embedder.name, "usage": usage})
