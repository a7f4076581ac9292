"""Server-Sent Events for a streamed completion: `guardrail`, then `token`s, then `done` or `error`,
the same typed events the chat WebSocket sends."""

import json
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

from django.http import StreamingHttpResponse

from chats.services.completions import Prepared, StreamDone, completion_stream
from config.api.exceptions import error_body
from core.exceptions import BastionError


def sse_event(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def typed_events(prepared: Prepared, done_body: Any) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """The stream as (type, data) pairs, for SSE and WebSocket alike; `done_body` shapes the answer."""
    summary = prepared.screening.summary()
    if summary["action"] != "allow":
        yield "guardrail", summary
    async with aclosing(completion_stream(prepared)) as stream:
        try:
            async for item in stream:
                if isinstance(item, StreamDone):
                    yield "done", done_body(item.answer)
                else:
                    yield "token", {"content": item}
        except BastionError as error:  # the provider stayed down before the first token
            yield (
                "error",
                error_body(detail=str(error.detail), status_code=error.status_code, error_code=error.error_code),
            )


async def _sse(prepared: Prepared, done_body: Any) -> AsyncIterator[str]:
    async with aclosing(typed_events(prepared, done_body)) as events:
        async for event, data in events:
            yield sse_event(event, data)


def sse_response(prepared: Prepared, done_body: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_sse(prepared, done_body), content_type="text/event-stream")
    # No proxy may hold tokens back to compress or cache them.
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
