"""The audit log: every security event, with who, from where and what, never with a secret."""

from typing import Any

from django.http import HttpRequest

from accounts.models import AuditEvent, User


def request_client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is the client's word, and would let it pick its own
    # address in the log (the reverse proxy, when there is one, sets REMOTE_ADDR via its own module).
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_event_record(
    *, action: str, user: User | None, request: HttpRequest | None = None, data: dict[str, Any] | None = None
) -> AuditEvent:
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    event = AuditEvent(
        user=user, action=action, ip_address=request_client_ip(request), user_agent=user_agent, data=data or {}
    )
    event.full_clean()
    event.save()
    return event
