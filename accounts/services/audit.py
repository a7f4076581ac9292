"""The audit log: every security event, with who, from where and what, never with a secret."""

from typing import Any

from django.http import HttpRequest

from accounts.models import AuditEvent


def request_client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is the client's word, and would let it pick its own
    # address in the log (the reverse proxy, when there is one, sets REMOTE_ADDR via its own module).
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
