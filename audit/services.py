"""Writing the audit log: every event with who acted and from where, never with a secret."""

from typing import Any

from audit.models import AuditEvent
from core.context import current_client


def audit_event_record(
    *,
    action: str,
    user: Any,
    data: dict[str, Any] | None = None,
    organization: Any = None,
) -> AuditEvent:
    """Record an event. `user` is who acted: a user, an API key (recorded in `data`) or None; where from
    is the current client (`core.context`)."""
    client = current_client()
    data = dict(data or {})
    if getattr(user, "is_api_key", False):
        data["api_key"] = {"id": str(user.api_key.pk), "prefix": user.api_key.prefix}
        user = None
    event = AuditEvent(
        user=user,
        organization=organization,
        action=action,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        data=data,
    )
    event.full_clean()
    event.save()
    return event
