"""Driving a provider from a plain (synchronous) test."""

import asyncio
from collections.abc import Coroutine
from typing import Any, Protocol, TypeVar

from chats.providers.base import Completion, CompletionRequest, Delta, Message, Provider, StreamEnd, StreamEvent

Result = TypeVar("Result")


class ClosableProvider(Provider, Protocol):
    async def aclose(self) -> None: ...


def ask(
    text: str = "what is the launch code", *, system: str | None = None, timeout: float = 5.0, **fields
) -> CompletionRequest:
    messages = [Message("system", system)] if system else []
    return CompletionRequest(
        model="loopback-chat", messages=[*messages, Message("user", text)], timeout=timeout, **fields
    )


def run(provider: ClosableProvider, work: Coroutine[Any, Any, Result]) -> Result:
    """`work` on a loop of its own, closing the provider's connections before the loop ends."""

    async def then_close() -> Result:
        try:
            return await work
        finally:
            await provider.aclose()

    return asyncio.run(then_close())


def complete(provider: ClosableProvider, request: CompletionRequest) -> Completion:
    return run(provider, provider.complete(request))


def stream(provider: ClosableProvider, request: CompletionRequest) -> list[StreamEvent]:
    async def collect() -> list[StreamEvent]:
        return [event async for event in provider.stream(request)]

    return run(provider, collect())


def deltas_and_end(events: list[StreamEvent]) -> tuple[str, StreamEnd]:
    """The streamed text and the one StreamEnd, checking it comes last and alone."""
    *pieces, end = events
    assert isinstance(end, StreamEnd)
    assert all(isinstance(piece, Delta) for piece in pieces)
    return "".join(piece.content for piece in pieces), end
