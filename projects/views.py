"""Dashboard pages of projects: the current organization's list, and create, edit, delete through the services."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.exceptions import BastionError
from core.pages import form_errors_add
from organizations.context_processors import current_organization_get
from organizations.pages import OrganizationAccess, found, organization_access
from organizations.roles import Action
from projects import selectors, services
from projects.forms import ProjectEditForm, ProjectForm
from projects.models import Project


def risk_band(score: int | None) -> str:
    """A colour for a 0-100 score in the list; the score itself is what scans report."""
    if score is None:
        return "none"
    return "high" if score >= 70 else "medium" if score >= 40 else "low"


def _project_access(request: HttpRequest, project_id: UUID, action: Action) -> tuple[Project, OrganizationAccess]:
    project = found(selectors.project_get, actor=request.user, project_id=project_id)
    return project, organization_access(request, project.organization_id, action)


@login_required
def project_list_page(request: HttpRequest) -> HttpResponse:
    organization = current_organization_get(request)
    if organization is None:
        return render(request, "projects/project_list.html", {"organization": None})
    access = organization_access(request, organization.pk, Action.PROJECTS_VIEW)
    projects = selectors.project_list(actor=request.user, organization_id=organization.pk)
    rows = [(project, risk_band(project.last_risk_score)) for project in projects]
    context = {"organization": organization, "can": access.can, "role": access.role, "rows": rows}
    return render(request, "projects/project_list.html", context)


@login_required
def project_create_page(request: HttpRequest) -> HttpResponse:
    organization = current_organization_get(request)
    if organization is None:
        messages.info(request, "Projects belong to an organization. Create one first.")
        return redirect("organization-list-page")
    access = organization_access(request, organization.pk, Action.PROJECTS_MANAGE)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user, organization=access.organization, **form.service_fields()
            )
        except BastionError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"Project {project.name} created in {organization.name}.")
            return redirect("project-list-page")
    context = {"form": form, "organization": access.organization}
    return render(request, "projects/project_form.html", context, status=400 if form.errors else 200)


@login_required
def project_edit_page(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project, access = _project_access(request, project_id, Action.PROJECTS_MANAGE)
    initial = {name: getattr(project, name) for name in services.EDITABLE_FIELDS if name != "github_token"}
    form = ProjectEditForm(request.POST or None, initial=initial, has_token=project.has_github_token)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.service_fields())
        except BastionError as error:
            form_errors_add(form, error)
            project.refresh_from_db()
        else:
            messages.success(request, f"Project {project.name} saved.")
            return redirect("project-list-page")
    context = {"form": form, "project": project, "organization": access.organization}
    return render(request, "projects/project_form.html", context, status=400 if form.errors else 200)


@login_required
def project_delete_page(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project, access = _project_access(request, project_id, Action.PROJECTS_MANAGE)
    if request.method == "POST":
        services.project_delete(actor=request.user, project=project)
        messages.success(request, f"Project {project.name} deleted.")
        return redirect("project-list-page")
    return render(request, "projects/project_delete.html", {"project": project, "organization": access.organization})
