"""The guardrails page: admins change the policy through the same service as the API; members read it."""

import pytest
from django.test import Client
from django.urls import reverse

from chats.guardrails import Category
from chats.models import GuardrailPolicy
from organizations.roles import Role
from tests.accounts.mfa import session_login
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

DEFAULTS = {
    "jailbreak_action": "block", "jailbreak_threshold": 50, "injection_action": "block", "injection_threshold": 50,
    "data_exfiltration_action": "block", "data_exfiltration_threshold": 60,
    "system_prompt_exposure_action": "warn", "system_prompt_exposure_threshold": 50,
    "pii_action": "redact", "pii_threshold": 70, "secrets_action": "redact", "secrets_threshold": 0,
}  # fmt: skip


def _signed_in(role: str) -> tuple[Client, object]:
    membership = MembershipFactory(role=role)
    client = Client()
    session_login(client, membership.user)
    return client, membership.organization


def test_an_admin_changes_the_policy_on_the_page():
    client, organization = _signed_in(Role.ADMIN)
    url = reverse("guardrail-policy-page", args=[organization.pk])

    page = client.get(url)
    saved = client.post(url, {**DEFAULTS, "pii_action": "warn", "jailbreak_threshold": 80})

    assert page.status_code == 200
    assert "Personal data" in page.content.decode()
    assert saved.status_code == 302
    rules = GuardrailPolicy.objects.in_organization(organization).get().rules
    assert rules[Category.PII] == {"action": "warn", "threshold": 70}
    assert rules[Category.JAILBREAK] == {"action": "block", "threshold": 80}


def test_redact_is_not_offered_for_a_prompt_risk_and_refused_if_sent():
    client, organization = _signed_in(Role.OWNER)

    refused = client.post(
        reverse("guardrail-policy-page", args=[organization.pk]), {**DEFAULTS, "jailbreak_action": "redact"}
    )

    assert refused.status_code == 400
    assert not GuardrailPolicy.objects.exists()


def test_a_member_reads_the_policy_but_cannot_change_it_and_an_outsider_gets_404():
    client, organization = _signed_in(Role.MEMBER)
    url = reverse("guardrail-policy-page", args=[organization.pk])

    page = client.get(url)
    posted = client.post(url, {**DEFAULTS, "pii_action": "allow"})
    elsewhere = client.get(reverse("guardrail-policy-page", args=[OrganizationFactory().pk]))

    assert page.status_code == 200
    assert "Owners and admins change the policy." in page.content.decode()
    assert posted.status_code in (400, 403)
    assert not GuardrailPolicy.objects.exists()
    assert elsewhere.status_code == 404
