"""Alerts: what a scan found that someone should hear about now, and how each organization wants to hear it.

An alert carries a title and a message written from a finding's rule and location, never from the
scanned input: what leaves Bastion by email or webhook must not quote the secret it warns about.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.encryption import EncryptedTextField
from organizations.models import Organization, TenantQuerySet
from organizations.roles import Role
from projects.models import Project
from scans.engine.findings import Category, Severity
from scans.models import FINGERPRINT_LENGTH, SEVERITY_CHOICES, Scan, engine_choices


class Alert(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="alerts")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    scan = models.ForeignKey(Scan, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    # The finding's fingerprint, so a secret seen again while its alert is open raises no second one.
    fingerprint = models.CharField(max_length=FINGERPRINT_LENGTH, blank=True)
    kind = models.CharField(max_length=12, choices=engine_choices(Category))
    severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES)
    title = models.CharField(max_length=200)
    message = models.CharField(max_length=1000)
    is_read = models.BooleanField(default=False)
    is_resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # When each channel delivered it: a delivery task that runs again sends only what is still unsent.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    webhook_posted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "is_resolved", "-created_at"], name="alert_org_open_recent")]
        constraints = [
            # The dedupe lives in the database: two workers finishing scans at once cannot both insert.
            models.UniqueConstraint(
                fields=["organization", "fingerprint"],
                condition=Q(is_resolved=False) & ~Q(fingerprint=""),
                name="alert_unique_open_fingerprint",
            )
        ]

    def __str__(self) -> str:
        return f"{self.severity} {self.kind} alert {self.pk}"


def _default_email_roles() -> list[str]:
    return [Role.OWNER, Role.ADMIN]


class NotificationSettings(models.Model):
    organization = models.OneToOneField(
        Organization, primary_key=True, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_enabled = models.BooleanField(default=True)
    email_roles = models.JSONField(default=_default_email_roles, blank=True)
    min_severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES, default=Severity.HIGH)
    webhook_enabled = models.BooleanField(default=False)
    # A Slack-style incoming webhook URL is itself the credential: encrypted, and never returned whole.
    webhook_url = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"Notification settings of {self.organization_id}"
