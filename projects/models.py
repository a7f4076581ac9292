import uuid

from django.db import models
from django.utils import timezone

from core.encryption import EncryptedTextField
from organizations.models import Organization, TenantQuerySet
from projects.validators import repo_url_validate


class Project(models.Model):
    class RepoType(models.TextChoices):
        GITHUB = "github", "GitHub"
        GITLAB = "gitlab", "GitLab"
        GIT = "git", "Git"
        UPLOAD = "upload", "Upload"
        NONE = "none", "None"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    repo_type = models.CharField(max_length=10, choices=RepoType.choices, default=RepoType.NONE)
    repo_url = models.CharField(max_length=500, blank=True, validators=[repo_url_validate])
    github_token = EncryptedTextField(blank=True, help_text="Write-only; encrypted at rest; never returned.")
    is_public = models.BooleanField(default=False)
    # Filled in by scans.
    scan_count = models.PositiveIntegerField(default=0)
    last_scan = models.DateTimeField(null=True, blank=True)
    last_risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="project_name_unique_per_org")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_github_token(self) -> bool:
        return bool(self.github_token)
