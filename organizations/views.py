"""Dashboard pages of organizations: the API's selectors and services, behind the session.

Absent and not-yours look alike (the selectors' ResourceNotFound becomes a 404 page); a role the role
table does not allow gets the 403 page. Pages hide what a role may not do; the services refuse it anyway.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.exceptions import BastionError, ResourceNotFound
from core.pages import form_errors_add
from organizations import selectors
from organizations.access import actor_role, actor_roles
from organizations.context_processors import current_organization_set, organizations_of
from organizations.forms import (
    ApiKeyForm,
    ApiKeyRevokeForm,
    InvitationForm,
    MembershipRemoveForm,
    MembershipRoleForm,
    OrganizationDeleteForm,
    OrganizationForm,
)
from organizations.models import ApiKey, Membership, Organization
from organizations.roles import Action, Role, role_allows, roles_assignable
from organizations.services import api_keys, invitations, memberships, organizations

T = TypeVar("T")


def found(selector: Callable[..., T], **arguments: object) -> T:
    """Call a selector; its "not found, or not yours" becomes the 404 page."""
    try:
        return selector(**arguments)
    except ResourceNotFound as error:
        raise Http404(str(error.detail)) from None


@dataclass(frozen=True)
class OrganizationAccess:
    """An organization a page was asked for, and the visitor's role in it."""

    organization: Organization
    role: str

    @property
    def can(self) -> dict[str, bool]:
        """Every action of the role table by name (`can.members_manage`), for templates."""
        return {action.name.lower(): role_allows(self.role, action) for action in Action}

    def require(self, action: Action) -> None:
        if not role_allows(self.role, action):
            raise PermissionDenied(f"Your role in {self.organization.name} does not allow this.")


def organization_access(request: HttpRequest, organization_id: UUID, action: Action | None) -> OrganizationAccess:
    """The organization for a page that needs `action`: 404 for outsiders, then 403 for a role without it."""
    # Taken from the list the navigation shows (organization_list, as organization_get reads it), so a
    # page reads its organization and the switcher's once between them.
    organization = next((o for o in organizations_of(request) if o.pk == organization_id), None)
    if organization is None:
        raise Http404("Organization not found.")
    access = OrganizationAccess(
        organization=organization, role=actor_role(actor=request.user, organization=organization) or ""
    )
    if action is not None:
        access.require(action)
    return access


def _render(
    request: HttpRequest, template: str, access: OrganizationAccess, section: str, **context: object
) -> HttpResponse:
    context = {
        "organization": access.organization,
        "role": access.role,
        "can": access.can,
        "section": section,
    } | context
    refused = any(isinstance(value, forms.Form) and value.errors for value in context.values())
    return render(request, template, context, status=400 if refused else 200)


def _role_choices(access: OrganizationAccess) -> list[tuple[str, str]]:
    # The services' own owner rule, so a page offers only what it would accept.
    assignable = roles_assignable(access.role)
    return [(value, label) for value, label in Role.choices if value in assignable]


# --- Organizations -------------------------------------------------------------------------------


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
    return _render(
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
    return _render(request, "organizations/settings.html", access, "settings", form=form, delete_form=delete_form)


# --- Memberships ------------------------------------------------------------------------------------


def _keys_by_creator(request: HttpRequest, access: OrganizationAccess) -> dict[UUID, list[ApiKey]]:
    """The organization's live keys grouped by who created them (one query); none for those who may not see keys."""
    if not access.can["api_keys_manage"]:
        return {}
    grouped: dict[UUID, list[ApiKey]] = {}
    for api_key in selectors.api_key_list(actor=request.user).filter(organization=access.organization):
        if api_key.created_by_id is not None:
            grouped.setdefault(api_key.created_by_id, []).append(api_key)
    return grouped


@login_required
def membership_list_page(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, Action.MEMBERS_VIEW)
    listed = selectors.membership_list(actor=request.user, organization=access.organization)
    keys_by_creator = _keys_by_creator(request, access)
    choices = _role_choices(access)
    rows = []
    for membership in listed:
        manageable = access.can["members_manage"] and (membership.role != Role.OWNER or access.role == Role.OWNER)
        rows.append(
            {
                "membership": membership,
                "manageable": manageable,
                "is_self": membership.user_id == request.user.pk,
                "api_keys": len(keys_by_creator.get(membership.user_id, [])),
            }
        )
    # Keys outlive their creator's membership: the page names what former members left working.
    former = [keys for keys in keys_by_creator.values() if not keys[0].created_by_is_member]
    return _render(
        request,
        "organizations/membership_list.html",
        access,
        "memberships",
        rows=rows,
        role_choices=choices,
        former=former,
    )


def _membership(access: OrganizationAccess, request: HttpRequest, membership_id: UUID) -> Membership:
    return found(
        selectors.membership_get, actor=request.user, organization=access.organization, membership_id=membership_id
    )


@login_required
@require_POST
def membership_role_page(request: HttpRequest, organization_id: UUID, membership_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, Action.MEMBERS_MANAGE)
    membership = _membership(access, request, membership_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("membership-list-page", organization_id)
    try:
        membership = memberships.membership_role_change(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except BastionError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, f"{membership.user.email} is now {membership.get_role_display().lower()}.")
    return redirect("membership-list-page", organization_id)


@login_required
@require_POST
def membership_remove_page(request: HttpRequest, organization_id: UUID, membership_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, None)
    membership = _membership(access, request, membership_id)
    access.require(memberships.membership_removal_action(actor=request.user, membership=membership))
    leaving = membership.user_id == request.user.pk
    form = MembershipRemoveForm(request.POST)
    form.is_valid()  # one optional checkbox: anything but "on" leaves it unticked
    try:
        revoked = memberships.membership_remove(
            actor=request.user,
            membership=membership,
            revoke_api_keys=form.cleaned_data["revoke_api_keys"],
        )
    except BastionError as error:
        messages.error(request, str(error.detail))
        return redirect("membership-list-page", organization_id)
    keys = f" Revoked {revoked} API key{pluralize(revoked)} {'you' if leaving else 'they'} created." if revoked else ""
    if leaving:
        current_organization_set(request, None)
        messages.success(request, f"You left {membership.organization.name}.{keys}")
        return redirect("organization-list-page")
    messages.success(request, f"{membership.user.email} no longer belongs to {membership.organization.name}.{keys}")
    return redirect("membership-list-page", organization_id)


# --- Invitations -------------------------------------------------------------------------------------


@login_required
def invitation_list_page(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, Action.INVITATIONS_MANAGE)
    form = InvitationForm(request.POST or None)
    form.fields["role"].choices = _role_choices(access)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invitation_create(
                actor=request.user,
                organization=access.organization,
                link_for=lambda token: request.build_absolute_uri(reverse("invitation-accept-page", args=[token])),
                **form.cleaned_data,
            )
        except BastionError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"Invitation emailed to {invitation.email}. It is valid for 7 days.")
            return redirect("invitation-list-page", organization_id)
    pending = selectors.invitation_list(actor=request.user, organization=access.organization).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    return _render(request, "organizations/invitations.html", access, "invitations", form=form, pending=pending)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, organization_id: UUID, invitation_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, Action.INVITATIONS_MANAGE)
    invitation = found(
        selectors.invitation_get, actor=request.user, organization=access.organization, invitation_id=invitation_id
    )
    invitations.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, f"The invitation of {invitation.email} is revoked; its link no longer works.")
    return redirect("invitation-list-page", organization_id)


@login_required
def invitation_accept_page(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            membership = invitations.invitation_accept(user=request.user, token=token)
        except BastionError as error:
            messages.error(request, str(error.detail))
        else:
            current_organization_set(request, membership.organization)
            name, role = membership.organization.name, membership.get_role_display().lower()
            messages.success(request, f"You joined {name} as {role}.")
            return redirect("project-list-page")
    invitation = selectors.invitation_for_token(token=token, user=request.user)
    return render(request, "organizations/invitation_accept.html", {"invitation": invitation})


# --- API keys ------------------------------------------------------------------------------------------


@login_required
@never_cache  # the answer to a creation holds the key
def api_key_list_page(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, Action.API_KEYS_MANAGE)
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in"]
        try:
            api_key, raw_key = api_keys.api_key_create(
                actor=request.user,
                organization=access.organization,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            )
        except BastionError as error:
            form_errors_add(form, error)
        else:
            # Rendered into this response only: the key is never stored in the clear, not even in the session.
            return _render(
                request, "organizations/api_key_created.html", access, "api-keys", api_key=api_key, raw_key=raw_key
            )
    keys_by_creator = _keys_by_creator(request, access)
    keys = selectors.api_key_list(actor=request.user).filter(organization=access.organization)
    rows = [{"key": key, "creators_keys": len(keys_by_creator.get(key.created_by_id, []))} for key in keys]
    return _render(request, "organizations/api_keys.html", access, "api-keys", form=form, rows=rows)


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, organization_id: UUID, api_key_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, Action.API_KEYS_MANAGE)
    api_key = found(selectors.api_key_get, actor=request.user, api_key_id=api_key_id)
    if api_key.organization_id != access.organization.pk:
        raise Http404("API key not found.")
    form = ApiKeyRevokeForm(request.POST)
    form.is_valid()  # one optional checkbox
    if form.cleaned_data["all_by_creator"] and api_key.created_by is not None:
        revoked = api_keys.api_keys_revoke_created_by(
            actor=request.user, organization=access.organization, created_by_id=api_key.created_by_id
        )
        creator = api_key.created_by.email
        messages.success(
            request, f"Revoked {revoked} API key{pluralize(revoked)} {creator} created; requests with them now fail."
        )
        return redirect("api-key-list-page", organization_id)
    api_keys.api_key_revoke(actor=request.user, api_key=api_key)
    messages.success(request, f"The key {api_key.name} ({api_key.prefix}…) is revoked; requests with it now fail.")
    return redirect("api-key-list-page", organization_id)
