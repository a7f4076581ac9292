"""The Redis cache's connections, kept for the life of the process."""

import threading
from typing import Any, Self

import redis


class SharedConnectionPool(redis.ConnectionPool):
    """One connection pool per Redis URL and process, whichever cache object asks for it.

    Django builds a new cache object for each async context, so under ASGI each request got a
    client of its own, and with redis-py's pool per client each request opened (and then dropped)
    a TCP connection to Redis. redis-py's pools are thread-safe and reset themselves after a fork.
    """

    _pools: dict[tuple[str, tuple[tuple[str, Any], ...]], "SharedConnectionPool"] = {}
    _lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Self:
        key = (url, tuple(sorted(kwargs.items())))
        with cls._lock:
            if key not in cls._pools:
                cls._pools[key] = super().from_url(url, **kwargs)
            return cls._pools[key]
