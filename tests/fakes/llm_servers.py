"""Loopback servers speaking OpenAI's and Anthropic's wire protocols, so tests and benchmarks drive the
real client libraries against them. Each test scripts the next answers with `server.script(...)`:

    with OpenAIServer() as server:
        server.script(reply="four", chunks=2, delay=0.01)
        provider = OpenAICompatProvider(base_url=server.base_url, api_key=server.api_key)
        server.script(status=503, fail_first=2)  # two 503s, then answers again
        server.requests[-1].body["messages"]     # what the client sent

Token counts are words (see `word_count`), unlike the gateway's estimate, so a test can tell a reported
count from an estimated one.
"""

import asyncio
import base64
import hashlib
import json
import struct
from dataclasses import dataclass, replace
from typing import Any

from tests.fakes.loopback import LoopbackServer, Received, Reply

EMBEDDING_DIMENSIONS = 8


@dataclass(frozen=True)
class Script:
    reply: str | None = None  # None: "Echo: " and the last user message, so answers tell requests apart
    chunks: int = 3  # how many pieces a streamed reply comes in
    delay: float = 0.0  # seconds between streamed pieces
    usage: bool = True  # False: report no token counts, as some compatible servers do
    finish: str | None = None  # the vendor's own word ("length", "max_tokens"); None: a normal stop
    status: int | None = None  # answer with this HTTP status and the vendor's error body
    hang: bool = False  # read the request, never answer
    malformed: bool = False  # a broken JSON chunk after the first piece (a broken body when not streaming)
    drop: bool = False  # close the connection after the first piece (before any answer when not streaming)
    unfinished: bool = False  # end the stream cleanly but without saying why it stopped
    extra_chunk: dict | None = None  # OpenAI: sent as is after the first piece (a chunk without choices, say)
    error_event: str | None = None  # Anthropic: an `error` event of this type after the first piece
    fail_first: int | None = None  # misbehave only for the first K model requests, then answer (503 by default)

    def misbehaves(self) -> bool:
        return any(getattr(self, name) != getattr(Script, name) for name in _MISBEHAVIOURS)

    def behaving(self) -> "Script":
        """The same answer, given without any misbehaviour."""
        return replace(self, **{name: getattr(Script, name) for name in _MISBEHAVIOURS})


_MISBEHAVIOURS = ("status", "hang", "malformed", "drop", "unfinished", "extra_chunk", "error_event")


def word_count(text: str) -> int:
    return len(text.split())


def embedding_of(text: str) -> list[float]:
    """The vector both servers' callers can predict: bytes of the text's SHA-256, scaled to [0, 1]."""
    digest = hashlib.sha256(text.encode()).digest()
    return [byte / 255 for byte in digest[:EMBEDDING_DIMENSIONS]]


def _text_of(content: Any) -> str:
    """A message's text, whether sent as a string or as a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def _pieces(text: str, count: int) -> list[str]:
    size = max(1, -(-len(text) // max(1, count)))
    return [text[i : i + size] for i in range(0, len(text), size)]


class ScriptedServer(LoopbackServer):
    """The scripting and bookkeeping both vendors share."""

    def __init__(self, *, api_key: str) -> None:
        super().__init__()
        self.api_key = api_key
        self._script = Script()
        self._model_requests = 0

    def script(self, **behaviour: Any) -> None:
        """Replace the script for the requests that follow (unnamed fields take their defaults)."""
        self._script = Script(**behaviour)

    def reset(self) -> None:
        self._script = Script()
        self._model_requests = 0
        self.requests.clear()

    def _next_script(self) -> Script:
        """The script for this model request: with `fail_first`, misbehaving only while it lasts."""
        self._model_requests += 1
        script = self._script
        if script.fail_first is None:
            return script
        if self._model_requests > script.fail_first:
            return script.behaving()
        return script if script.misbehaves() else replace(script, status=503)

    def _reply_text(self, script: Script, messages: list[dict]) -> str:
        if script.reply is not None:
            return script.reply
        users = [_text_of(m.get("content")) for m in messages if m.get("role") == "user"]
        return f"Echo: {users[-1] if users else ''}"

    async def _misbehave_before_answer(self, script: Script, reply: Reply, messages: list[dict]) -> bool:
        """Statuses and hangs, which strike before any answer; True when the request is dealt with."""
        if script.hang:
            await reply.hang()
        if script.status is not None:
            # Like the vendors', the message quotes the request, so a test can show it never leaks.
            quoted = self._reply_text(Script(), messages)
            await reply.json(script.status, self._error_body(script.status, f"Refused: {quoted}"))
            return True
        return False

    def _error_body(self, status: int, message: str) -> dict:
        raise NotImplementedError


class OpenAIServer(ScriptedServer):
    """`POST /v1/chat/completions`, `POST /v1/embeddings`, `GET /v1/models`, as OpenAI answers them."""

    def __init__(self, *, api_key: str = "sk-loopback-openai", models: tuple[str, ...] = ("loopback-chat",)) -> None:
        super().__init__(api_key=api_key)
        self.models = models

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    async def route(self, request: Received, reply: Reply) -> None:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            await reply.json(401, self._error_body(401, "Incorrect API key provided."))
        elif (request.method, request.path) == ("POST", "/v1/chat/completions"):
            await self._chat(request.body, reply)
        elif (request.method, request.path) == ("POST", "/v1/embeddings"):
            await self._embeddings(request.body, reply)
        elif (request.method, request.path) == ("GET", "/v1/models"):
            data = [{"id": model, "object": "model", "created": 0, "owned_by": "loopback"} for model in self.models]
            await reply.json(200, {"object": "list", "data": data})
        else:
            await reply.json(404, self._error_body(404, f"Unknown request URL: {request.method} {request.path}"))

    def _error_body(self, status: int, message: str) -> dict:
        kind = "server_error" if status >= 500 else "rate_limit_error" if status == 429 else "invalid_request_error"
        code = {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(status)
        return {"error": {"message": message, "type": kind, "param": None, "code": code}}

    async def _chat(self, body: dict, reply: Reply) -> None:
        script = self._next_script()
        messages = body.get("messages", [])
        if await self._misbehave_before_answer(script, reply, messages):
            return
        text = self._reply_text(script, messages)
        finish = script.finish or "stop"
        usage = {
            "prompt_tokens": sum(word_count(_text_of(m.get("content"))) for m in messages),
            "completion_tokens": word_count(text),
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        head = {"id": f"chatcmpl-{self._model_requests}", "created": 1_700_000_000, "model": body.get("model")}
        if not body.get("stream"):
            if script.drop:
                await reply.drop()
                return
            if script.malformed:
                await reply.raw(200, b'{"id": "chatcmpl-1", "choices": [', "application/json")
                return
            choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}
            answer = {**head, "object": "chat.completion", "choices": [choice], "logprobs": None}
            await reply.json(200, {**answer, "usage": usage} if script.usage else answer)
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        def chunk(choices: list, **extra: Any) -> bytes:
            data = {**head, "object": "chat.completion.chunk", "choices": choices, **extra}
            if include_usage:
                data.setdefault("usage", None)
            return b"data: " + json.dumps(data).encode() + b"\n\n"

        await reply.start_stream()
        await reply.send(chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]))
        for number, piece in enumerate(_pieces(text, script.chunks)):
            if number and script.delay:
                await asyncio.sleep(script.delay)
            await reply.send(chunk([{"index": 0, "delta": {"content": piece}, "finish_reason": None}]))
            if script.drop:
                await reply.drop()
                return
            if script.extra_chunk is not None:
                await reply.send(b"data: " + json.dumps(script.extra_chunk).encode() + b"\n\n")
            if script.malformed:
                await reply.send(b'data: {"id": "chatcmpl-1", "choices": [{"delta": \n\n')
                break
        else:
            if not script.unfinished:
                await reply.send(chunk([{"index": 0, "delta": {}, "finish_reason": finish}]))
            if include_usage and script.usage:
                await reply.send(chunk([], usage=usage))
        await reply.send(b"data: [DONE]\n\n")
        await reply.end_stream()

    async def _embeddings(self, body: dict, reply: Reply) -> None:
        script = self._next_script()
        texts = body.get("input", [])
        texts = [texts] if isinstance(texts, str) else texts
        if await self._misbehave_before_answer(script, reply, [{"role": "user", "content": " ".join(texts)}]):
            return
        data = []
        for index, text in enumerate(texts):
            vector: Any = embedding_of(text)
            if body.get("encoding_format") == "base64":
                vector = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
            data.append({"object": "embedding", "index": index, "embedding": vector})
        tokens = sum(word_count(text) for text in texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        await reply.json(200, {"object": "list", "data": data, "model": body.get("model"), "usage": usage})


class AnthropicServer(ScriptedServer):
    """`POST /v1/messages`, streamed or not, as Anthropic answers it; `base_url` is the origin, since the
    client adds `/v1` itself."""

    def __init__(self, *, api_key: str = "sk-ant-loopback") -> None:
        super().__init__(api_key=api_key)

    @property
    def base_url(self) -> str:
        return self.origin

    async def route(self, request: Received, reply: Reply) -> None:
        # The API takes the key from either header, x-api-key first.
        key = request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix("Bearer ")
        if key != self.api_key:
            await reply.json(401, self._error_body(401, "invalid x-api-key"))
        elif not request.headers.get("anthropic-version"):
            await reply.json(400, self._error_body(400, "anthropic-version: header is required"))
        elif (request.method, request.path) == ("POST", "/v1/messages"):
            await self._messages(request.body, reply)
        else:
            await reply.json(404, self._error_body(404, "Not found"))

    def _error_body(self, status: int, message: str) -> dict:
        kinds = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error"}
        kinds |= {404: "not_found_error", 429: "rate_limit_error", 529: "overloaded_error"}
        kind = kinds.get(status, "api_error" if status >= 500 else "invalid_request_error")
        return {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_loopback"}

    async def _messages(self, body: dict, reply: Reply) -> None:
        script = self._next_script()
        messages = body.get("messages", [])
        if await self._misbehave_before_answer(script, reply, messages):
            return
        text = self._reply_text(script, messages)
        prompt = [_text_of(body.get("system")), *(_text_of(m.get("content")) for m in messages)]
        tokens_in, tokens_out = sum(word_count(part) for part in prompt), word_count(text)
        stop_reason = script.finish or "end_turn"
        message = {"id": f"msg_loopback{self._model_requests}", "type": "message", "role": "assistant"}
        message |= {"model": body.get("model"), "stop_sequence": None}
        if not body.get("stream"):
            if script.drop:
                await reply.drop()
                return
            if script.malformed:
                await reply.raw(200, b'{"id": "msg_1", "content": [', "application/json")
                return
            answer = {**message, "content": [{"type": "text", "text": text}], "stop_reason": stop_reason}
            if script.usage:
                answer["usage"] = {"input_tokens": tokens_in, "output_tokens": tokens_out}
            await reply.json(200, answer)
            return

        async def event(name: str, data: dict) -> None:
            await reply.send(f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode())

        started = {**message, "content": [], "stop_reason": None}
        if script.usage:
            started["usage"] = {"input_tokens": tokens_in, "output_tokens": 1}
        await reply.start_stream({"request-id": "req_loopback"})
        await event("message_start", {"message": started})
        await event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
        await event("ping", {})
        for number, piece in enumerate(_pieces(text, script.chunks)):
            if number and script.delay:
                await asyncio.sleep(script.delay)
            await event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": piece}})
            if script.drop:
                await reply.drop()
                return
            if script.malformed:
                await reply.send(b'event: content_block_delta\ndata: {"type": "content_block_delta", "index": \n\n')
                await reply.end_stream()
                return
            if script.error_event:
                await event("error", {"error": {"type": script.error_event, "message": "Overloaded"}})
                await reply.end_stream()
                return
        await event("content_block_stop", {"index": 0})
        if not script.unfinished:
            ending: dict[str, Any] = {"delta": {"stop_reason": stop_reason, "stop_sequence": None}}
            if script.usage:
                ending["usage"] = {"output_tokens": tokens_out}
            await event("message_delta", ending)
            await event("message_stop", {})
        await reply.end_stream()
