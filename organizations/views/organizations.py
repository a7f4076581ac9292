"""Pages of organizations themselves: the list (and creating one), the switcher, settings and deletion."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.exceptions import BastionError
from core.pages import form_errors_add
from organizations import selectors
from organizations.access import actor_roles
from organizations.context_processors import current_organization_set, organizations_of
from organizations.forms import OrganizationDeleteForm, OrganizationForm
from organizations.models import Organization
from organizations.pages import found, organization_access, section_render
from organizations.roles import Action, Role
from organizations.services import organizations


@login_required
def organization_list_page(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = organizations.organization_create(created_by=request.user, **form.cleaned_data)
        except BastionError as error:
            form_errors_add(form, error)
        else:
            current_organization_set(request, organization)
            messages.success(request, f"{organization.name} is ready. Invite the people you work with.")
            return redirect("membership-list-page", organization.pk)
    roles = actor_roles(actor=request.user)
    rows = [(organization, Role(roles[organization.pk])) for organization in organizations_of(request)]
    return render(
        request,
        "organizations/organization_list.html",
        {"rows": rows, "form": form},
        status=400 if form.errors else 200,
    )


def _switch_target(request: HttpRequest, organization: Organization) -> str:
    """The page to return to: the same page of the new organization when it names one."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("project-list-page")
    try:
        match = resolve(target.split("?")[0])
    except Resolver404:
        return reverse("project-list-page")
    if set(match.kwargs) == {"organization_id"}:
        return reverse(match.view_name, kwargs={"organization_id": organization.pk})
    if any(name.endswith("_id") for name in match.kwargs):
        # A project or another object of the previous organization: start from the new one's projects.
        return reverse("project-list-page")
    return target


@login_required
@require_POST
def organization_switch(request: HttpRequest) -> HttpResponse:
    try:
        organization_id = UUID(request.POST.get("organization_id", ""))
    except ValueError:
        raise Http404("Organization not found.") from None
    organization = found(selectors.organization_get, actor=request.user, organization_id=organization_id)
    current_organization_set(request, organization)
    return redirect(_switch_target(request, organization))


@login_required
def organization_settings_page(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, Action.ORGANIZATION_VIEW)
    organization = access.organization
    fields = {name: getattr(organization, name) for name in organizations.EDITABLE_FIELDS}
    form = OrganizationForm(request.POST or None, initial=fields)
    if request.method == "POST":
        access.require(Action.ORGANIZATION_UPDATE)
        if form.is_valid():
            try:
                organizations.organization_update(actor=request.user, organization=organization, **form.cleaned_data)
            except BastionError as error:
                form_errors_add(form, error)
                organization.refresh_from_db()
            else:
                messages.success(request, "Settings saved.")
                return redirect("organization-settings-page", organization.pk)
    return section_render(
        request,
        "organizations/settings.html",
        access,
        "settings",
        form=form,
        delete_form=OrganizationDeleteForm(slug=organization.slug),
    )


@login_required
@require_POST
def organization_delete_page(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, Action.ORGANIZATION_DELETE)
    organization = access.organization
    delete_form = OrganizationDeleteForm(request.POST, slug=organization.slug)
    if delete_form.is_valid():
        try:
            organizations.organization_delete(
                actor=request.user,
                organization=organization,
                confirm=delete_form.cleaned_data["confirm"].strip(),
            )
        except BastionError as error:
            form_errors_add(delete_form, error)
        else:
            current_organization_set(request, None)
            messages.success(request, f"{organization.name} and everything it owned are deleted.")
            return redirect("organization-list-page")
    fields = {name: getattr(organization, name) for name in organizations.EDITABLE_FIELDS}
    form = OrganizationForm(initial=fields)
    return section_render(
        request, "organizations/settings.html", access, "settings", form=form, delete_form=delete_form
    )
