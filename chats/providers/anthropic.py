"""Anthropic's Messages API, through the official `anthropic` client."""

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import anthropic

from chats.providers import failures
from chats.providers.base import Completion, CompletionRequest, Delta, ProviderFailure, StreamEnd, StreamEvent, Usage
from chats.providers.clients import ClientPerLoop

# Anthropic requires a ceiling on every answer; this one fits a chat reply.
DEFAULT_MAX_TOKENS = 1024

# Said in OpenAI's words, which the gateway and its clients speak; other reasons pass through.
_FINISH_REASONS = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "refusal": "content_filter"}


class AnthropicProvider:
    def __init__(self, *, base_url: str, api_key: str, name: str = "anthropic") -> None:
        self.name = name
        # No retries in the client: the gateway does the retrying. The client sends the key as a bearer
        # token; `x-api-key` too, since the API prefers it and the proxies and compatible servers in
        # front of Claude read only that one.
        self._clients = ClientPerLoop(
            lambda: anthropic.AsyncAnthropic(
                base_url=base_url, api_key=api_key, max_retries=0, default_headers={"x-api-key": api_key}
            )
        )

    async def complete(self, request: CompletionRequest) -> Completion:
        try:
            response = await self._clients.get().messages.create(**_arguments(request), timeout=request.timeout)
        except (anthropic.APIError, json.JSONDecodeError) as err:
            raise self._failure(err, request, started=False) from None
        content = "".join(block.text for block in response.content if block.type == "text")
        usage = _usage(getattr(response, "usage", None)) or failures.estimated_usage(request.messages, content)
        return Completion(content=content, usage=usage, finish_reason=_finish_reason(response.stop_reason))

    async def stream(self, request: CompletionRequest) -> AsyncIterator[StreamEvent]:
        pieces: list[str] = []
        stop_reason = None
        tokens_in = tokens_out = None
        try:
            events = await self._clients.get().messages.create(
                **_arguments(request), stream=True, timeout=request.timeout
            )
            async with events:
                async for event in events:
                    if event.type == "message_start":
                        tokens_in = _input_tokens(getattr(event.message, "usage", None))
                    elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                        pieces.append(event.delta.text)
                        yield Delta(event.delta.text)
                    elif event.type == "message_delta":
                        stop_reason = event.delta.stop_reason or stop_reason
                        usage = getattr(event, "usage", None)
                        # Both counts are running totals; input is repeated here when the server revises it.
                        tokens_in = _input_tokens(usage) or tokens_in
                        tokens_out = getattr(usage, "output_tokens", None) or tokens_out
        except (anthropic.APIError, json.JSONDecodeError) as err:
            raise self._failure(err, request, started=bool(pieces)) from None
        if stop_reason is None:
            raise failures.malformed_failure(
                provider=self.name, what="the stream ended unfinished", started=bool(pieces)
            )
        estimate = failures.estimated_usage(request.messages, "".join(pieces))
        usage = Usage(
            tokens_in=estimate.tokens_in if tokens_in is None else tokens_in,
            tokens_out=estimate.tokens_out if tokens_out is None else tokens_out,
        )
        yield StreamEnd(usage=usage, finish_reason=_finish_reason(stop_reason))

    async def embed(self, texts: Sequence[str], *, model: str) -> list[list[float]]:
        raise ProviderFailure("Anthropic has no embeddings endpoint", retryable=False)

    async def aclose(self) -> None:
        """Close the connections this event loop holds: the last call before a loop of one's own ends."""
        await self._clients.aclose()

    def _failure(self, err: Exception, request: CompletionRequest, *, started: bool) -> ProviderFailure:
        # Chained to nothing (`from None` above): the client's message can quote the vendor's body.
        if isinstance(err, anthropic.APITimeoutError):
            return failures.timeout_failure(provider=self.name, timeout=request.timeout, started=started)
        if isinstance(err, anthropic.APIConnectionError):
            return failures.connection_failure(provider=self.name, cause=err.__cause__, started=started)
        if isinstance(err, anthropic.APIStatusError):
            error = err.body.get("error") if isinstance(err.body, dict) else None
            error_type = error.get("type") if isinstance(error, dict) else None
            return failures.status_failure(
                provider=self.name, status=err.status_code, error_type=error_type, started=started
            )
        if isinstance(err, json.JSONDecodeError):
            return failures.malformed_failure(provider=self.name, what="invalid JSON", started=started)
        return failures.malformed_failure(provider=self.name, what=type(err).__name__, started=started)


def _arguments(request: CompletionRequest) -> dict[str, Any]:
    system = "\n\n".join(m.content for m in request.messages if m.role == "system")
    arguments: dict[str, Any] = {
        "model": request.model,
        "max_tokens": request.max_tokens if request.max_tokens is not None else DEFAULT_MAX_TOKENS,
        "messages": [{"role": m.role, "content": m.content} for m in request.messages if m.role != "system"],
    }
    if system:
        arguments["system"] = system
    # `temperature` is left out: API version 2026-10-21, which this client speaks, refuses it with a 400.
    return arguments


def _input_tokens(usage: Any) -> int | None:
    # Tokens read from or written to the prompt cache are prompt tokens too, billed apart.
    counts = [
        getattr(usage, name, None)
        for name in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    ]
    if counts[0] is None:
        return None
    return sum(count or 0 for count in counts)


def _usage(reported: Any) -> Usage | None:
    tokens_in = _input_tokens(reported)
    tokens_out = getattr(reported, "output_tokens", None)
    if tokens_in is None or tokens_out is None:
        return None
    return Usage(tokens_in=tokens_in, tokens_out=tokens_out)


def _finish_reason(stop_reason: str | None) -> str:
    return _FINISH_REASONS.get(stop_reason or "end_turn", stop_reason or "stop")
