"""Any server speaking OpenAI's chat completions API: OpenAI itself, vLLM, Ollama, llama.cpp, LM Studio,
Gemini's compatible endpoint. Spoken through the official `openai` client, so the wire format is the
one those servers are tested against."""

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import openai

from chats.providers import failures
from chats.providers.base import Completion, CompletionRequest, Delta, ProviderFailure, StreamEnd, StreamEvent, Usage
from chats.providers.clients import ClientPerLoop

# Embeddings carry no request of their own to say how long to wait.
EMBED_TIMEOUT = 60.0


class OpenAICompatProvider:
    def __init__(self, *, base_url: str, api_key: str, name: str = "openai_compat") -> None:
        self.name = name
        # No retries in the client: the gateway retries and falls over itself, and a client retrying
        # underneath would multiply its attempts and hide the failures.
        self._clients = ClientPerLoop(
            lambda: openai.AsyncOpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=EMBED_TIMEOUT)
        )

    async def complete(self, request: CompletionRequest) -> Completion:
        try:
            response = await self._clients.get().chat.completions.create(**_arguments(request), timeout=request.timeout)
        except (openai.APIError, json.JSONDecodeError) as err:
            raise self._failure(err, request, started=False) from None
        if not response.choices:
            raise failures.malformed_failure(provider=self.name, what="no choices")
        choice = response.choices[0]
        content = choice.message.content or ""
        usage = _usage(response.usage) or failures.estimated_usage(request.messages, content)
        return Completion(content=content, usage=usage, finish_reason=choice.finish_reason or "stop")

    async def stream(self, request: CompletionRequest) -> AsyncIterator[StreamEvent]:
        pieces: list[str] = []
        finish_reason = None
        reported = None
        try:
            chunks = await self._clients.get().chat.completions.create(
                **_arguments(request),
                stream=True,
                stream_options={"include_usage": True},
                timeout=request.timeout,
            )
            async with chunks:
                async for chunk in chunks:
                    reported = _usage(getattr(chunk, "usage", None)) or reported
                    choices = getattr(chunk, "choices", None)
                    if not isinstance(choices, list):
                        raise failures.malformed_failure(
                            provider=self.name, what="a chunk without choices", started=bool(pieces)
                        )
                    # An empty list is the usage chunk, or Azure's content-filter notes: nothing to say.
                    if not choices:
                        continue
                    delta = choices[0].delta
                    if delta is not None and delta.content:
                        pieces.append(delta.content)
                        yield Delta(delta.content)
                    finish_reason = choices[0].finish_reason or finish_reason
        except (openai.APIError, json.JSONDecodeError) as err:
            raise self._failure(err, request, started=bool(pieces)) from None
        if finish_reason is None:
            raise failures.malformed_failure(
                provider=self.name, what="the stream ended unfinished", started=bool(pieces)
            )
        usage = reported or failures.estimated_usage(request.messages, "".join(pieces))
        yield StreamEnd(usage=usage, finish_reason=finish_reason)

    async def embed(self, texts: Sequence[str], *, model: str) -> list[list[float]]:
        try:
            # The client asks for base64 unless told, which not every compatible server can send.
            response = await self._clients.get().embeddings.create(
                input=list(texts), model=model, encoding_format="float"
            )
        except (openai.APIError, json.JSONDecodeError) as err:
            raise self._failure(err, None, started=False) from None
        if len(response.data) != len(texts):
            raise failures.malformed_failure(provider=self.name, what="embeddings do not match the texts")
        return [list(item.embedding) for item in sorted(response.data, key=lambda item: item.index)]

    async def aclose(self) -> None:
        """Close the connections this event loop holds: the last call before a loop of one's own ends."""
        await self._clients.aclose()

    def _failure(self, err: Exception, request: CompletionRequest | None, *, started: bool) -> ProviderFailure:
        # Chained to nothing (`from None` above): the client's message can quote a masked key.
        if isinstance(err, openai.APITimeoutError):
            timeout = request.timeout if request is not None else EMBED_TIMEOUT
            return failures.timeout_failure(provider=self.name, timeout=timeout, started=started)
        if isinstance(err, openai.APIConnectionError):
            return failures.connection_failure(provider=self.name, cause=err.__cause__, started=started)
        if isinstance(err, openai.APIStatusError):
            return failures.status_failure(
                provider=self.name, status=err.status_code, error_type=err.type, started=started
            )
        if isinstance(err, json.JSONDecodeError):
            return failures.malformed_failure(provider=self.name, what="invalid JSON", started=started)
        # An error object inside a stream (vLLM sends one when generation fails midway).
        return failures.stream_error_failure(provider=self.name, error_type=getattr(err, "type", None), started=started)


def _arguments(request: CompletionRequest) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "model": request.model,
        "messages": [{"role": m.role, "content": m.content} for m in request.messages],
    }
    if request.temperature is not None:
        arguments["temperature"] = request.temperature
    # `max_tokens` rather than its successor `max_completion_tokens`: every compatible server reads it.
    if request.max_tokens is not None:
        arguments["max_tokens"] = request.max_tokens
    return arguments


def _usage(reported: Any) -> Usage | None:
    if reported is None or reported.prompt_tokens is None or reported.completion_tokens is None:
        return None
    return Usage(tokens_in=reported.prompt_tokens, tokens_out=reported.completion_tokens)
