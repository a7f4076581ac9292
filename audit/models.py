"""The audit log: who did what, from where, to which organization; written once and never changed."""

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.tenancy import ScopedQuerySet
from organizations.models import Membership
from organizations.roles import Action as RoleAction
from organizations.roles import roles_allowed

if TYPE_CHECKING:
    from accounts.models import User
    from organizations.models import Actor


class AuditEventQuerySet(ScopedQuerySet):
    def visible_to(self, actor: "Actor") -> "AuditEventQuerySet":
        # A person reads what they did, and all of an organization's log where the role table lets them
        # audit it. An API key, or anyone not signed in, reads nothing: the log fails closed.
        if getattr(actor, "is_api_key", False) or not getattr(actor, "is_authenticated", False):
            return self.none()
        audited = Membership.objects.held_by(actor).filter(role__in=roles_allowed(RoleAction.AUDIT_VIEW))
        return self.filter(Q(user=actor) | Q(organization__in=audited.values("organization")))

    def performed_by(self, user: "User") -> "AuditEventQuerySet":
        """What one person did, in any organization: their own security history."""
        return self.filter(user=user)


class AuditEvent(models.Model):
    """One security or organization event. Append-only: written once by `audit_event_record`, never changed."""

    class Action(models.TextChoices):
        LOGIN_SUCCEEDED = "login.succeeded", "Signed in"
        LOGIN_FAILED = "login.failed", "Sign-in failed"
        LOGIN_MFA_FAILED = "login.mfa_failed", "Second factor refused"
        LOGOUT = "logout", "Signed out"
        REGISTERED = "account.registered", "Account created"
        MFA_DEVICE_ADDED = "mfa.device_added", "Second factor added"
        MFA_DEVICE_REMOVED = "mfa.device_removed", "Second factor removed"
        RECOVERY_CODE_USED = "mfa.recovery_code_used", "Recovery code used"
        RECOVERY_CODES_REGENERATED = "mfa.recovery_codes_regenerated", "Recovery codes regenerated"
        PASSWORD_CHANGED = "password.changed", "Password changed"
        PASSWORD_RESET_REQUESTED = "password.reset_requested", "Password reset requested"
        PASSWORD_RESET = "password.reset", "Password reset"
        TOKENS_REVOKED = "tokens.revoked", "Sessions revoked"
        TOKEN_REUSE_DETECTED = "tokens.reuse_detected", "Spent refresh token presented again"
        SSO_LINKED = "sso.linked", "Single sign-on account linked"
        SSO_LOGIN = "sso.login", "Signed in with single sign-on"
        ORGANIZATION_CREATED = "organization.created", "Organization created"
        ORGANIZATION_UPDATED = "organization.updated", "Organization updated"
        ORGANIZATION_DELETED = "organization.deleted", "Organization deleted"
        MEMBER_ROLE_CHANGED = "member.role_changed", "Member's role changed"
        MEMBER_REMOVED = "member.removed", "Member removed"
        INVITATION_SENT = "invitation.sent", "Invitation sent"
        INVITATION_ACCEPTED = "invitation.accepted", "Invitation accepted"
        INVITATION_REVOKED = "invitation.revoked", "Invitation revoked"
        PROJECT_CREATED = "project.created", "Project created"
        PROJECT_UPDATED = "project.updated", "Project updated"
        PROJECT_DELETED = "project.deleted", "Project deleted"
        API_KEY_CREATED = "api_key.created", "API key created"
        API_KEY_REVOKED = "api_key.revoked", "API key revoked"
        FINDING_TRIAGED = "finding.triaged", "Finding triaged"
        NOTIFICATIONS_UPDATED = "notifications.updated", "Alert notifications changed"
        GUARDRAILS_UPDATED = "guardrails.updated", "Guardrail policy changed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    action = models.CharField(max_length=64, choices=Action.choices, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        # The table it had when the log lived in accounts: moving the model kept its rows where they were.
        db_table = "accounts_auditevent"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Audit events are append-only.")
