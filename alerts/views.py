"""Dashboard pages of alerts: the current organization's inbox with filters, one alert, marking it
read, unread or resolved, and the organization's notification settings. They read through the API's
selectors and write through the same services, so a page allows and refuses exactly what the API does."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.services.tokens import socket_token_issue
from alerts import selectors, services
from alerts.exceptions import AlertAlreadyOpen
from alerts.forms import NotificationSettingsForm
from alerts.models import Alert
from config.api.exceptions import error_json
from core.exceptions import BastionError, RateLimitExceeded
from core.pages import form_errors_add
from organizations.context_processors import current_organization_get
from organizations.pages import OrganizationAccess, found, organization_access, section_render
from organizations.roles import Action
from projects.selectors import project_list, project_named
from scans.selectors import SEVERITY_ORDER

ALERTS_PER_PAGE = 50
# Each filter: the field it reads, and its query values with what the field must be for each.
STATE_FILTERS = {
    "read": ("is_read", {"unread": False, "read": True}),
    "state": ("is_resolved", {"open": False, "resolved": True}),
}
# One press of a button, and what it changes.
CHANGES = {
    "read": ({"is_read": True}, "marked read"),
    "unread": ({"is_read": False}, "marked unread"),
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
    project = project_named(projects, request.GET.get("project"))
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
    # A page number past the end shows the last page: after resolving the last alert of a page, say.
    shown = Paginator(alerts, ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organization": organization,
        "can": access.can,
        "projects": projects,
        "chosen": chosen,
        "severities": SEVERITY_ORDER,
        "alerts": shown.object_list,
        "alerts_page": shown,
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
        messages.error(request, "Choose mark read, mark unread, resolve or reopen.")
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
    try:
        response = JsonResponse({"token": socket_token_issue(user=request.user)})
    except RateLimitExceeded as error:
        response = error_json(error)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def notification_settings_page(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    """Who hears of the organization's alerts, and where: the API's settings, for the roles it allows."""
    access = organization_access(request, organization_id, Action.NOTIFICATIONS_MANAGE)
    current = selectors.notification_settings_get(organization=access.organization)
    form = NotificationSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_settings_update(
                actor=request.user, organization=access.organization, **form.changes()
            )
        except BastionError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Notification settings saved.")
            return redirect("notification-settings-page", access.organization.pk)
    return section_render(
        request, "alerts/notification_settings.html", access, "notifications", form=form, current=current
    )
