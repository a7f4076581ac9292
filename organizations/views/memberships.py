"""Pages of an organization's memberships: who belongs, their roles, and ending a membership."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from core.exceptions import BastionError
from organizations import selectors
from organizations.context_processors import current_organization_set
from organizations.forms import MembershipRemoveForm, MembershipRoleForm
from organizations.models import Membership
from organizations.pages import OrganizationAccess, found, organization_access, role_choices, section_render
from organizations.roles import Action, Role
from organizations.services.memberships import membership_removal_action, membership_remove, membership_role_change
from organizations.views.api_keys import api_keys_by_creator


@login_required
def membership_list_page(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, Action.MEMBERS_VIEW)
    listed = selectors.membership_list(actor=request.user, organization=access.organization)
    keys_by_creator = api_keys_by_creator(request, access)
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
    return section_render(
        request,
        "organizations/membership_list.html",
        access,
        "memberships",
        rows=rows,
        role_choices=role_choices(access),
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
        membership = membership_role_change(actor=request.user, membership=membership, role=form.cleaned_data["role"])
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
    access.require(membership_removal_action(actor=request.user, membership=membership))
    leaving = membership.user_id == request.user.pk
    form = MembershipRemoveForm(request.POST)
    form.is_valid()  # one optional checkbox: anything but "on" leaves it unticked
    try:
        revoked = membership_remove(
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
