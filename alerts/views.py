"""Dashboard pages of alerts: the current organization's inbox with filters, one alert, and marking it
read or resolved. They read through the API's selectors and write through `alert_update`, so a page
allows and refuses exactly what the API does."""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.tokens import AccessToken
from alerts import selectors, services
from alerts.exceptions import AlertAlreadyOpen
from alerts.models import Alert
from organizations.context_processors import current_organization_get
from organizations.pages import OrganizationAccess, found, organization_access
from organizations.roles import Action
from projects.selectors import project_list
from scans.selectors import SEVERITY_ORDER

ALERTS_SHOWN = 100
# ws/alerts/ reads a token only in its first message; the socket stays signed in after that.
SOCKET_TOKEN_LIFETIME = timedelta(seconds=60)
# Each filter: the field it reads, and its query values with what the field must be for each.
STATE_FILTERS = {
    "read": ("is_read", {"unread": False, "read": True}),
    "state": ("is_resolved", {"open": False, "resolved": True}),
}
# One press of a button, and what it changes.
CHANGES = {
    "read": ({"is_read": True}, "marked read"),
    "resolve": ({"is_resolved": True, "is_read": True}, "resolved"),
    "reopen": ({"is_resolved": False}, "reopened"),
}


def _alert_access(request: HttpRequest, alert_id: UUID, action: Action) -> tuple[Alert, OrganizationAccess]:
    alert = found(selectors.alert_get, actor=request.user, alert_id=alert_id)
    return alert, organization_access(request, alert.organization_id, action)


def _filtered(request: HttpRequest, alerts: Any, projects: list) -> tuple[Any, dict[str, Any]]:
    chosen: dict[str, Any] = {}
    severity = request.GET.get("severity")
    if severity in SEVERITY_ORDER:
        alerts, chosen["severity"] = alerts.filter(severity=severity), severity
    for name, (field, values) in STATE_FILTERS.items():
        value = request.GET.get(name)
        if value in values:
            alerts, chosen[name] = alerts.filter(**{field: values[value]}), value
    project = next((p for p in projects if str(p.pk) == request.GET.get("project")), None)
    if project is not None:
        alerts, chosen["project"] = alerts.filter(project=project), project
    return alerts, chosen


@login_required
def alert_list_page(request: HttpRequest) -> HttpResponse:
    organization = current_organization_get(request)
    if organization is None:
        return render(request, "alerts/alert_list.html", {"organization": None})
    access = organization_access(request, organization.pk, Action.ALERTS_VIEW)
    projects = list(project_list(actor=request.user, organization_id=organization.pk))
    alerts, chosen = _filtered(
        request, selectors.alert_list(actor=request.user).in_organization(organization), projects
    )
    context = {
        "organization": organization,
        "can": access.can,
        "projects": projects,
        "chosen": chosen,
        "severities": SEVERITY_ORDER,
        "alerts": alerts[:ALERTS_SHOWN],
        "unread_count": selectors.alert_unread_count(organization=organization),
        "filtered": bool(chosen),
    }
    template = "alerts/_alert_rows.html" if request.headers.get("HX-Request") else "alerts/alert_list.html"
    return render(request, template, context)


@login_required
def alert_detail_page(request: HttpRequest, alert_id: UUID) -> HttpResponse:
    alert, access = _alert_access(request, alert_id, Action.ALERTS_VIEW)
    return render(
        request, "alerts/alert_detail.html", {"organization": access.organization, "can": access.can, "alert": alert}
    )


@login_required
@require_POST
def alert_change_page(request: HttpRequest, alert_id: UUID) -> HttpResponse:
    alert, _ = _alert_access(request, alert_id, Action.ALERTS_MANAGE)
    change = CHANGES.get(request.POST.get("change", ""))
    if change is None:
        messages.error(request, "Choose mark read, resolve or reopen.")
    else:
        try:
            services.alert_update(actor=request.user, alert=alert, **change[0])
        except AlertAlreadyOpen:
            messages.error(request, f"{alert.title}: a newer alert on the same finding is open; that one stays.")
        else:
            messages.success(request, f"{alert.title}: {change[1]}.")
    # Back where the button was, with its filters: only one of the inbox's own pages.
    back = request.POST.get("next", "")
    if back.startswith("/alerts/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect("alert-detail-page", alert_id=alert.pk)


@login_required
@require_POST
def alert_socket_token(request: HttpRequest) -> JsonResponse:
    """A one-minute access token for the signed-in browser's ws/alerts/ socket, which takes tokens only.

    POST with the CSRF token, so another site cannot have a visitor's browser ask for one."""
    token = AccessToken.for_user(request.user)
    token.set_exp(lifetime=SOCKET_TOKEN_LIFETIME)
    response = JsonResponse({"token": str(token)})
    response["Cache-Control"] = "no-store"
    return response
