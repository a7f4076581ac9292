"""Scans, what they found, and what an organization decided about it.

A scan keeps a summary of its input (name, language, size), never the input itself: what was scanned
may hold the very secrets it reports, and findings carry only masked snippets.
"""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.tenancy import ScopedQuerySet
from organizations.models import Organization, TenantQuerySet
from projects.models import Project
from scans.engine.findings import Category, Confidence, Severity
from scans.engine.scoring import RiskLevel

if TYPE_CHECKING:
    from organizations.models import Actor

FINGERPRINT_LENGTH = 64


# Labels that capitalising the value would spell wrong.
_LABELS = {"pii": "PII"}


def engine_choices(enum: type) -> list[tuple[str, str]]:
    """Choices for a field that holds one of the engine's enums, labelled for people."""
    return [(member.value, _LABELS.get(member.value, member.value.replace("_", " ").capitalize())) for member in enum]


# One severity scale for findings, alerts and the alert threshold, so the API shows one enum.
SEVERITY_CHOICES = engine_choices(Severity)


class ScanQuerySet(ScopedQuerySet):
    def visible_to(self, actor: "Actor") -> "ScanQuerySet":
        # Tenancy composes through the project: a scan is visible where its project is.
        return self.filter(project__in=Project.objects.visible_to(actor).values("pk"))

    def in_organization(self, organization: "Organization | uuid.UUID") -> "ScanQuerySet":
        return self.filter(project__organization=organization)


class Scan(models.Model):
    class ScanType(models.TextChoices):
        CODE = "code", "Code"
        PROMPT = "prompt", "Prompt"
        PII = "pii", "PII"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    class InputKind(models.TextChoices):
        SNIPPET = "snippet", "Code snippet"
        ARCHIVE = "archive", "Archive"
        REPOSITORY = "repository", "Repository"
        PROMPT = "prompt", "Prompt"
        TEXT = "text", "Text"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scans")
    scan_type = models.CharField(max_length=10, choices=ScanType.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    input_kind = models.CharField(max_length=12, choices=InputKind.choices)
    # Names and sizes only (filename, language, model, content type, bytes, lines): never the content.
    input_summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_api_key = models.ForeignKey(
        "organizations.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    # Times a worker (or the request) took it up: a scan that keeps killing its worker stops at a limit.
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    ai_risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_level = models.CharField(max_length=10, choices=engine_choices(RiskLevel), blank=True)
    critical_count = models.PositiveIntegerField(default=0)
    high_count = models.PositiveIntegerField(default=0)
    medium_count = models.PositiveIntegerField(default=0)
    low_count = models.PositiveIntegerField(default=0)
    info_count = models.PositiveIntegerField(default=0)
    # Findings the organization had already triaged, left out of this scan's results and score.
    suppressed_count = models.PositiveIntegerField(default=0)
    # Per type: a prompt's four risk scores and overall, or PII types with counts and offsets.
    details = models.JSONField(default=dict, blank=True)

    objects = ScanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["project", "-created_at"], name="scan_project_recent")]

    def __str__(self) -> str:
        return f"{self.scan_type} scan {self.pk} ({self.status})"

    @property
    def organization(self) -> Organization:
        return self.project.organization

    @property
    def findings_count(self) -> int:
        return self.critical_count + self.high_count + self.medium_count + self.low_count + self.info_count


class FindingQuerySet(ScopedQuerySet):
    def visible_to(self, actor: "Actor") -> "FindingQuerySet":
        return self.filter(scan__in=Scan.objects.visible_to(actor).values("pk"))

    def in_organization(self, organization: "Organization | uuid.UUID") -> "FindingQuerySet":
        return self.filter(scan__project__organization=organization)


class Finding(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="findings")
    rule_id = models.CharField(max_length=120)
    category = models.CharField(max_length=12, choices=engine_choices(Category))
    severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES)
    confidence = models.CharField(max_length=10, choices=engine_choices(Confidence))
    title = models.CharField(max_length=200)
    description = models.TextField()
    remediation = models.TextField(blank=True)
    file_path = models.CharField(max_length=1000)
    line = models.PositiveIntegerField()
    column = models.PositiveIntegerField()
    snippet = models.TextField(blank=True, help_text="Masked by the engine: never a whole secret.")
    fingerprint = models.CharField(max_length=FINGERPRINT_LENGTH, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["file_path", "line", "column", "rule_id"]
        constraints = [
            # A scan delivered twice to a worker stores each finding once.
            models.UniqueConstraint(fields=["scan", "fingerprint", "line", "column"], name="finding_unique_per_scan")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} at {self.file_path}:{self.line}"


class Triage(models.Model):
    class Status(models.TextChoices):
        FALSE_POSITIVE = "false_positive", "False positive"
        ACCEPTED_RISK = "accepted_risk", "Accepted risk"
        FIXED = "fixed", "Fixed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="triages")
    fingerprint = models.CharField(max_length=FINGERPRINT_LENGTH)
    status = models.CharField(max_length=20, choices=Status.choices)
    reason = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "fingerprint"], name="triage_unique_per_fingerprint")
        ]

    def __str__(self) -> str:
        return f"{self.fingerprint} {self.status} in {self.organization_id}"
