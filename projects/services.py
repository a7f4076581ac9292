from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Case, F, Q, Value, When

from audit.models import AuditEvent
from audit.services import audit_event_record
from core.validation import model_save, model_update
from organizations.access import organization_action_require
from organizations.models import Organization
from organizations.roles import Action
from projects.models import Project

if TYPE_CHECKING:
    from organizations.models import Actor

EDITABLE_FIELDS = ("name", "description", "repo_type", "repo_url", "github_token", "is_public")
NAME_TAKEN = {"name": ["A project with this name exists in the organization."]}


@transaction.atomic
def project_create(*, actor: "Actor", organization: Organization, **fields: Any) -> Project:
    organization_action_require(actor=actor, organization=organization, action=Action.PROJECTS_MANAGE)
    project = Project(organization=organization, **{name: fields[name] for name in EDITABLE_FIELDS if name in fields})
    model_save(project, conflict=NAME_TAKEN)
    audit_event_record(
        action=AuditEvent.Action.PROJECT_CREATED,
        user=actor,
        organization=organization,
        data={"project": str(project.pk), "name": project.name},
    )
    return project


@transaction.atomic
def project_update(*, actor: "Actor", project: Project, **fields: Any) -> Project:
    organization_action_require(actor=actor, organization=project.organization, action=Action.PROJECTS_MANAGE)
    changed = model_update(project, fields=fields, editable=EDITABLE_FIELDS, conflict=NAME_TAKEN)
    audit_event_record(
        action=AuditEvent.Action.PROJECT_UPDATED,
        user=actor,
        organization=project.organization,
        # Names only: the token's value never reaches the log.
        data={"project": str(project.pk), "fields": changed},
    )
    return project


@transaction.atomic
def project_delete(*, actor: "Actor", project: Project) -> None:
    organization_action_require(actor=actor, organization=project.organization, action=Action.PROJECTS_MANAGE)
    audit_event_record(
        action=AuditEvent.Action.PROJECT_DELETED,
        user=actor,
        organization=project.organization,
        data={"project": str(project.pk), "name": project.name},
    )
    project.delete()


def project_scan_record(*, project: Project, scanned_at: datetime, risk_score: int | None) -> None:
    """Count a completed scan, and show its score when it is the project's latest."""
    # One UPDATE: two scans finishing at once cannot lose a count, and a scan that finishes after a
    # newer one does not take the newer one's place.
    latest = Q(last_scan__isnull=True) | Q(last_scan__lte=scanned_at)
    Project.objects.in_organization(project.organization_id).filter(pk=project.pk).update(
        scan_count=F("scan_count") + 1,
        last_scan=Case(When(latest, then=Value(scanned_at)), default=F("last_scan")),
        last_risk_score=Case(
            When(latest, then=Value(risk_score)),
            default=F("last_risk_score"),
            output_field=Project._meta.get_field("last_risk_score"),
        ),
    )
