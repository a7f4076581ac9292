from typing import TYPE_CHECKING, Any

from django.db import transaction

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_event_record
from core.validation import model_save, model_update
from organizations.access import memberships_forget, organization_action_require
from organizations.exceptions import ConfirmationMismatch
from organizations.models import Membership, Organization
from organizations.roles import Action, Role

if TYPE_CHECKING:
    from organizations.models import Actor

EDITABLE_FIELDS = ("name", "slug", "description", "industry", "country")
SLUG_TAKEN = {"slug": ["This slug is taken."]}


@transaction.atomic
def organization_create(*, created_by: User, **fields: Any) -> Organization:
    organization = Organization(**{name: fields[name] for name in EDITABLE_FIELDS if name in fields})
    model_save(organization, conflict=SLUG_TAKEN)
    Membership.objects.create(organization=organization, user=created_by, role=Role.OWNER)
    memberships_forget()
    organization.member_count = 1
    audit_event_record(action=AuditEvent.Action.ORGANIZATION_CREATED, user=created_by, organization=organization)
    return organization


@transaction.atomic
def organization_update(*, actor: "Actor", organization: Organization, **fields: Any) -> Organization:
    organization_action_require(actor=actor, organization=organization, action=Action.ORGANIZATION_UPDATE)
    changed = model_update(organization, fields=fields, editable=EDITABLE_FIELDS, conflict=SLUG_TAKEN)
    audit_event_record(
        action=AuditEvent.Action.ORGANIZATION_UPDATED,
        user=actor,
        organization=organization,
        data={"fields": changed},
    )
    return organization


@transaction.atomic
def organization_delete(*, actor: "Actor", organization: Organization, confirm: str) -> None:
    """Delete an organization and everything it owns; the caller must type the slug to confirm."""
    organization_action_require(actor=actor, organization=organization, action=Action.ORGANIZATION_DELETE)
    if confirm != organization.slug:
        message = f"Type the organization's slug ({organization.slug}) to confirm."
        raise ConfirmationMismatch(errors={"confirm": [message]})
    audit_event_record(
        action=AuditEvent.Action.ORGANIZATION_DELETED,
        user=actor,
        data={"organization_id": str(organization.pk), "slug": organization.slug},
    )
    organization.delete()
    memberships_forget()
