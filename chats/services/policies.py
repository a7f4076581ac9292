"""The organization's guardrail policy: read on every completion, changed by owners and admins."""

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_event_record
from chats.guardrails import REDACTABLE, Category, Policy, Verdict
from chats.models import GuardrailPolicy
from core.exceptions import ValidationFailed
from organizations.access import organization_action_require
from organizations.models import Organization
from organizations.roles import Action

POLICY_CACHED_SECONDS = 300


def _policy_key(organization_id: object) -> str:
    return f"chats:guardrail-policy:{organization_id}"


def guardrail_policy_get(*, organization: Organization) -> Policy:
    """The policy every completion reads: from the cache (dropped whenever the policy changes)."""
    stored = cache.get(_policy_key(organization.pk))
    if stored is None:
        stored = GuardrailPolicy.objects.in_organization(organization).values_list("rules", flat=True).first() or {}
        cache.set(_policy_key(organization.pk), stored, POLICY_CACHED_SECONDS)
    return Policy.from_stored(stored)


@receiver([post_save, post_delete], sender=GuardrailPolicy)
def _forget_policy(*, instance: GuardrailPolicy, **kwargs: object) -> None:
    cache.delete(_policy_key(instance.organization_id))


def _checked(rules: dict[str, Any]) -> dict[str, dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    for name, rule in rules.items():
        if name not in Category.__members__.values():
            errors[name] = [f"Unknown category. Use one of: {', '.join(Category)}."]
        elif rule.get("action") == Verdict.REDACT and name not in REDACTABLE:
            errors[name] = ["Only pii and secrets can be redacted; block, warn or allow this category."]
    if errors:
        raise ValidationFailed(errors=errors)
    return rules


def guardrail_policy_update(*, actor: Any, organization: Organization, rules: dict[str, dict[str, Any]]) -> Policy:
    """Save the categories given over the current policy; the others keep what they had."""
    organization_action_require(actor=actor, organization=organization, action=Action.GUARDRAILS_MANAGE)
    checked = _checked(rules)
    policy, _ = GuardrailPolicy.objects.in_organization(organization).get_or_create(organization=organization)
    policy.rules = {**policy.rules, **checked}
    policy.updated_at = timezone.now()
    policy.save(update_fields=["rules", "updated_at"])
    audit_event_record(
        action=AuditEvent.Action.GUARDRAILS_UPDATED,
        user=actor,
        organization=organization,
        data={"categories": sorted(rules)},
    )
    return Policy.from_stored(policy.rules)
