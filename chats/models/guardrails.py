"""An organization's guardrail policy: what each risk the scanner reports does to a completion."""

from django.db import models
from django.utils import timezone

from organizations.models import Organization, TenantQuerySet


class GuardrailPolicy(models.Model):
    """`rules` maps a category (chats.guardrails.Category) to {"action", "threshold"}; categories it
    leaves out keep the defaults, so a policy saved before a category existed still covers it."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="guardrail_policy")
    rules = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Guardrail policy of {self.organization_id}"
