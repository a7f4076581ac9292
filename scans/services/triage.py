"""An organization's decision about a finding, by fingerprint: later scans leave it out."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from alerts.services import alerts_resolve_for_fingerprint
from audit.models import AuditEvent
from audit.services import audit_event_record
from core.exceptions import ResourceNotFound
from organizations.access import organization_action_require
from organizations.models import Organization
from organizations.roles import Action
from scans.models import Finding, Triage

if TYPE_CHECKING:
    from organizations.models import Actor


@transaction.atomic
def finding_triage(
    *, actor: "Actor", organization: Organization, fingerprint: str, status: str, reason: str = ""
) -> Triage:
    """Record (or change) the organization's decision on a fingerprint one of its scans reported."""
    organization_action_require(actor=actor, organization=organization, action=Action.FINDINGS_TRIAGE)
    # A fingerprint the organization never saw is a 404, as one of another organization is.
    if not Finding.objects.in_organization(organization).filter(fingerprint=fingerprint).exists():
        raise ResourceNotFound("Finding not found.")
    by_key = getattr(actor, "is_api_key", False)
    triage, _ = Triage.objects.in_organization(organization).update_or_create(
        organization=organization,
        fingerprint=fingerprint,
        defaults={
            "status": status,
            "reason": reason,
            "decided_by": None if by_key else actor,
            "decided_at": timezone.now(),
        },
    )
    audit_event_record(
        action=AuditEvent.Action.FINDING_TRIAGED,
        user=actor,
        organization=organization,
        data={"fingerprint": fingerprint, "status": status},
    )
    alerts_resolve_for_fingerprint(actor=actor, organization=organization, fingerprint=fingerprint)
    return triage
