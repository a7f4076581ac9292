"""Dashboard pages of scans: the current organization's scans with a project's risk trend, submitting one,
its findings with triage, and its SARIF. They read through the API's selectors and write through its
services, so a page allows and refuses exactly what the API does."""

import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import BastionError
from core.pages import form_errors_add
from organizations.context_processors import current_organization_get
from organizations.pages import OrganizationAccess, found, organization_access
from organizations.roles import Action
from projects.selectors import project_list, project_named
from scans import selectors, services
from scans.api.serializers import TriageInputSerializer
from scans.engine.findings import Category
from scans.forms import SCAN_FORMS
from scans.models import Finding, Scan, Triage
from scans.sarif import scan_sarif

SCANS_SHOWN = 50
CATEGORY_LABELS = dict(Finding._meta.get_field("category").choices)
IN_PROGRESS = (Scan.Status.QUEUED, Scan.Status.RUNNING)
PROMPT_SCORES = (
    ("jailbreak_risk", "Jailbreak"),
    ("injection_risk", "Injection"),
    ("data_exfiltration_risk", "Data exfiltration"),
    ("system_prompt_exposure", "System prompt exposure"),
)


def _scan_access(request: HttpRequest, scan_id: UUID, action: Action) -> tuple[Scan, OrganizationAccess]:
    scan = found(selectors.scan_get, actor=request.user, scan_id=scan_id)
    return scan, organization_access(request, scan.project.organization_id, action)


def _trend(request: HttpRequest, project_id: UUID) -> dict[str, list]:
    scans = selectors.scan_risk_trend(actor=request.user, project_id=project_id)
    when = [timezone.localtime(scan.completed_at or scan.created_at) for scan in scans]
    return {"labels": [moment.strftime("%d %b %H:%M") for moment in when], "scores": [s.ai_risk_score for s in scans]}


@login_required
def scan_list_page(request: HttpRequest) -> HttpResponse:
    organization = current_organization_get(request)
    if organization is None:
        return render(request, "scans/scan_list.html", {"organization": None})
    access = organization_access(request, organization.pk, Action.SCANS_VIEW)
    projects = list(project_list(actor=request.user, organization_id=organization.pk))
    project = project_named(projects, request.GET.get("project"))
    scans = selectors.scan_list(actor=request.user).in_organization(organization)
    if project is not None:
        scans = scans.filter(project=project)
    context = {
        "organization": organization,
        "can": access.can,
        "projects": projects,
        "project": project,
        "scans": scans[:SCANS_SHOWN],
        "trend": _trend(request, project.pk) if project else None,
    }
    return render(request, "scans/scan_list.html", context)


@login_required
def scan_create_page(request: HttpRequest) -> HttpResponse:
    organization = current_organization_get(request)
    if organization is None:
        messages.info(request, "Scans belong to an organization's projects. Create an organization first.")
        return redirect("organization-list-page")
    access = organization_access(request, organization.pk, Action.SCANS_CREATE)
    projects = list(project_list(actor=request.user, organization_id=organization.pk))
    if not projects:
        messages.info(request, f"Scans belong to a project. {organization.name} has none yet.")
        return redirect("project-list-page")
    given = request.POST if request.method == "POST" else request.GET
    tab = given.get("tab") if given.get("tab") in SCAN_FORMS else next(iter(SCAN_FORMS))
    project = project_named(projects, given.get("project"))
    if project is None and request.method == "POST":
        raise Http404("Project not found.")
    form = SCAN_FORMS[tab](request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and (source := form.scan_input(project_id=project.pk)):
        try:
            scan, outcome = services.scan_submit(
                actor=request.user, project=project, scan_type=form.scan_type, source=source
            )
        except BastionError as error:
            form_errors_add(form, error)
        else:
            if outcome is not None and any(outcome.extras.values()):
                # Answered once and never stored (it quotes the input): shown now, rather than redirecting.
                return _detail_render(request, scan, access, extras=outcome.extras)
            return redirect("scan-detail-page", scan_id=scan.pk)
    context = {
        "organization": organization,
        "projects": projects,
        "project": project or projects[0],
        "tab": tab,
        "tabs": [(name, form_class.label) for name, form_class in SCAN_FORMS.items()],
        "form": form,
    }
    return render(request, "scans/scan_form.html", context, status=400 if form.errors else 200)


def _detail_render(
    request: HttpRequest, scan: Scan, access: OrganizationAccess, *, extras: dict[str, Any]
) -> HttpResponse:
    severity = request.GET.get("severity") if request.GET.get("severity") in selectors.SEVERITY_ORDER else None
    category = request.GET.get("category") if request.GET.get("category") in set(Category) else None
    every = selectors.finding_list(actor=request.user, scan=scan).order_by()
    findings = selectors.finding_list(actor=request.user, scan=scan, severity=severity)
    if category:
        findings = findings.filter(category=category)
    context = {
        "organization": access.organization,
        "can": access.can,
        "scan": scan,
        "in_progress": scan.status in IN_PROGRESS,
        "findings": findings,
        "severity": severity,
        "category": category,
        "severities": [(name, getattr(scan, f"{name}_count")) for name in selectors.SEVERITY_ORDER],
        "categories": [
            (name, CATEGORY_LABELS[name]) for name in sorted(set(every.order_by().values_list("category", flat=True)))
        ],
        "triage_choices": Triage.Status.choices,
        "prompt_scores": [(label, scan.details.get(name)) for name, label in PROMPT_SCORES],
        "extras": extras,
    }
    return render(request, "scans/scan_detail.html", context)


@login_required
def scan_detail_page(request: HttpRequest, scan_id: UUID) -> HttpResponse:
    scan, access = _scan_access(request, scan_id, Action.SCANS_VIEW)
    return _detail_render(request, scan, access, extras={})


@login_required
def scan_status_fragment(request: HttpRequest, scan_id: UUID) -> HttpResponse:
    """What the detail page polls while a scan is queued or running; once it ends, htmx reloads the page."""
    scan, _ = _scan_access(request, scan_id, Action.SCANS_VIEW)
    response = render(request, "scans/_scan_status.html", {"scan": scan, "in_progress": scan.status in IN_PROGRESS})
    if scan.status not in IN_PROGRESS:
        response["HX-Refresh"] = "true"
    return response


@login_required
def scan_sarif_page(request: HttpRequest, scan_id: UUID) -> HttpResponse:
    scan, _ = _scan_access(request, scan_id, Action.SCANS_VIEW)
    document = scan_sarif(scan=scan, findings=selectors.finding_list(actor=request.user, scan=scan))
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/sarif+json")
    response["Content-Disposition"] = f'attachment; filename="scan-{scan.pk}.sarif"'
    return response


@login_required
@require_POST
def finding_triage_page(request: HttpRequest, scan_id: UUID, finding_id: UUID) -> HttpResponse:
    scan, access = _scan_access(request, scan_id, Action.FINDINGS_TRIAGE)
    finding = selectors.finding_list(actor=request.user, scan=scan).filter(pk=finding_id).first()
    if finding is None:
        raise Http404("Finding not found.")
    back = f"{reverse('scan-detail-page', args=[scan.pk])}?{request.GET.urlencode()}#finding-{finding.pk}"
    given = TriageInputSerializer(
        data={"organization_id": access.organization.pk, **{k: request.POST.get(k, "") for k in ("status", "reason")}}
    )
    if not given.is_valid():
        messages.error(
            request, "Choose false positive, accepted risk or fixed, with a reason of 2,000 characters at most."
        )
        return redirect(back)
    decision = services.finding_triage(
        actor=request.user,
        organization=access.organization,
        fingerprint=finding.fingerprint,
        status=given.validated_data["status"],
        reason=given.validated_data.get("reason", ""),
    )
    messages.success(
        request, f"{finding.title}: marked {decision.get_status_display().lower()}. Later scans leave it out."
    )
    return redirect(back)
