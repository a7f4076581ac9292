"""The Redis cache keeps its connections for the life of the process, not of a request."""

import contextvars

from django.core.cache import caches
from redis.connection import Connection


def test_a_request_in_a_fresh_context_reuses_the_processes_redis_connections(monkeypatch):
    opened = []
    open_socket = Connection._connect
    monkeypatch.setattr(Connection, "_connect", lambda self: (opened.append(self), open_socket(self))[1])

    for _ in range(3):
        # Under ASGI each request runs in a fresh context, where Django builds its cache object anew.
        contextvars.Context().run(lambda: caches["default"].get("anything"))

    assert len(opened) <= 1
