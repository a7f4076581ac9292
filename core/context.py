"""Who is on the other end of the current piece of work: the client's address, user agent and request
id. Middleware sets it once per request; a task sets it from the plain data its caller sent. Services
read it (the audit log records it, limits count by it) and so never need the HTTP request itself.
"""

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest

USER_AGENT_MAX = 300

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Client:
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = "-"

    def as_data(self) -> dict[str, Any]:
        """For a task's arguments: it runs elsewhere, later, and records what the request saw."""
        return asdict(self)


# Work outside any request (a command, a shell) has no client: nothing is recorded for it.
_NO_CLIENT = Client()
_current: ContextVar[Client] = ContextVar("bastion_client", default=_NO_CLIENT)


def current_client() -> Client:
    return _current.get()


@contextmanager
def client_as(client: Client | dict[str, Any]) -> Iterator[Client]:
    """Run the block on behalf of `client` (or its `as_data()`), then restore whatever was there."""
    client = client if isinstance(client, Client) else Client(**client)
    token = _current.set(client)
    try:
        yield client
    finally:
        _current.reset(token)


@cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parsed(value: str) -> Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted_proxy(ip: Address) -> bool:
    return any(ip in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, the one every limit counts and the audit log records.

    REMOTE_ADDR, unless it is a proxy in `TRUSTED_PROXIES`: then X-Forwarded-For is walked from the right,
    skipping trusted proxies, and the first address that is not one is the client. Entries further left
    were written by the client and are never believed.
    """
    address = request.META.get("REMOTE_ADDR") or None
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    while address is not None and (ip := _parsed(address)) is not None and _is_trusted_proxy(ip) and forwarded:
        hop = forwarded.pop()
        if _parsed(hop) is None:
            # A garbled entry is not an address: the last proxy is all that is known.
            break
        address = hop
    return address


def client_from_request(request: HttpRequest, *, request_id: str) -> Client:
    return Client(
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        request_id=request_id,
    )
