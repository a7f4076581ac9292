from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from core.selectors import get_visible
from scans.models import Finding, Scan, Triage

if TYPE_CHECKING:
    from organizations.models import Actor

# Worst first, as a reader triages them.
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")


def scan_list(*, actor: "Actor") -> QuerySet[Scan]:
    return Scan.objects.visible_to(actor).select_related("project__organization").order_by("-created_at", "pk")


def scan_get(*, actor: "Actor", scan_id: UUID) -> Scan:
    return get_visible(scan_list(actor=actor), what="Scan", pk=scan_id)


def finding_list(*, actor: "Actor", scan: Scan, severity: str | None = None) -> QuerySet[Finding]:
    """A scan's findings with the organization's current decision on each, worst first."""

    decision = Triage.objects.in_organization(scan.project.organization_id).filter(fingerprint=OuterRef("fingerprint"))
    rank = Case(
        *(When(severity=name, then=Value(index)) for index, name in enumerate(SEVERITY_ORDER)),
        output_field=IntegerField(),
    )
    findings = (
        Finding.objects.visible_to(actor)
        .filter(scan=scan)
        .annotate(triage_status=Subquery(decision.values("status")[:1]), severity_rank=rank)
        .order_by("severity_rank", "file_path", "line", "column", "pk")
    )
    return findings.filter(severity=severity) if severity else findings


def scan_risk_trend(*, actor: "Actor", project_id: UUID, limit: int = 30) -> list[Scan]:
    """A project's last completed scans with a score, oldest first, as a trend chart draws them."""
    recent = scan_list(actor=actor).filter(
        project_id=project_id, status=Scan.Status.COMPLETED, ai_risk_score__isnull=False
    )[:limit]
    return list(reversed(recent))
