"""Pages of invitations: sending and revoking them in an organization, and accepting one from its link."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import BastionError
from core.pages import form_errors_add
from organizations import selectors
from organizations.context_processors import current_organization_set
from organizations.forms import InvitationForm
from organizations.pages import found, organization_access, role_choices, section_render
from organizations.roles import Action
from organizations.services import invitations


@login_required
def invitation_list_page(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    access = organization_access(request, organization_id, Action.INVITATIONS_MANAGE)
    form = InvitationForm(request.POST or None)
    form.fields["role"].choices = role_choices(access)
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
    return section_render(request, "organizations/invitations.html", access, "invitations", form=form, pending=pending)


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
