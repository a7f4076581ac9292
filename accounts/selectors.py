from django.db.models import QuerySet

from accounts.models import User
from audit.models import AuditEvent


def security_events_for(*, user: User) -> QuerySet[AuditEvent]:
    """The user's own security events, newest first."""
    return AuditEvent.objects.performed_by(user).order_by("-created_at")
