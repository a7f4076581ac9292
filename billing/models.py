"""Metered use: one row per completion or embedding call, the figures quotas and budgets read.

A row holds counts, cost and timing, never content: LiteLLM's spend logs kept leaking the prompts
and the PII they were meant to account for, so here there is no field that could hold either.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from organizations.models import Organization, TenantQuerySet


class Usage(models.Model):
    class Kind(models.TextChoices):
        COMPLETION = "completion", "Completion"
        EMBEDDING = "embedding", "Embedding"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="usage")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_key = models.ForeignKey(
        "organizations.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMPLETION)
    model = models.CharField(max_length=100)
    provider = models.CharField(max_length=40)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal(0))
    latency_ms = models.PositiveIntegerField(default=0)
    streamed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "created_at"], name="usage_organization_period")]

    def __str__(self) -> str:
        return f"{self.tokens_in}+{self.tokens_out} tokens of {self.model} in {self.organization_id}"
