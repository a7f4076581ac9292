"""The audit log: every security event, with who, from where and what, never with a secret."""

import ipaddress
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.models import AuditEvent

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parsed(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted_proxy(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(ip in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def request_client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, the one every limit counts and the audit log records.

    REMOTE_ADDR, unless it is a proxy in `TRUSTED_PROXIES`: then X-Forwarded-For is walked from the right,
    skipping trusted proxies, and the first address that is not one is the client. Entries further left
    were written by the client and are never believed.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or None
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    while address is not None and (ip := _parsed(address)) is not None and _is_trusted_proxy(ip) and forwarded:
        hop = forwarded.pop()
        if _parsed(hop) is None:
            # A garbled entry is not an address: the last proxy is all that is known.
            break
        address = hop
    return address


def audit_event_record(
    *,
    action: str,
    user: Any,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
    organization: Any = None,
) -> AuditEvent:
    """Record an event. `user` is who acted: a user, an API key (recorded in `data`) or None."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    data = dict(data or {})
    if getattr(user, "is_api_key", False):
        data["api_key"] = {"id": str(user.api_key.pk), "prefix": user.api_key.prefix}
        user = None
    event = AuditEvent(
        user=user,
        organization=organization,
        action=action,
        ip_address=request_client_ip(request),
        user_agent=user_agent,
        data=data,
    )
    event.full_clean()
    event.save()
    return event
