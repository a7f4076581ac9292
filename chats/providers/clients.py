"""The vendor clients' connection pools belong to the event loop that opened them: a provider used from a
second loop (`async_to_sync` in a Celery task, `asyncio.run` in a command) would write to a closed one.
So a provider keeps one client per running loop, reused by every call made on that loop."""

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class _Closable(Protocol):
    async def close(self) -> None: ...


Client = TypeVar("Client", bound=_Closable)


class ClientPerLoop(Generic[Client]):
    def __init__(self, make: Callable[[], Client]) -> None:
        self._make = make
        # Weak keys: a loop that is gone takes its client, and the client's pool, with it.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Client] = weakref.WeakKeyDictionary()

    def get(self) -> Client:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = self._make()
        return client

    async def aclose(self) -> None:
        """Close the running loop's client, whose sockets would otherwise outlive the loop and be closed
        by the garbage collector on whatever loop is running then, which fails noisily."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()
