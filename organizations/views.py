"""Dashboard pages of organizations (the API's services, behind the session)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from config.api.exceptions import BastionError
from organizations.services.invitations import invitation_accept


@login_required
def invitation_accept_page(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            membership = invitation_accept(user=request.user, token=token, request=request)
        except BastionError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(request, f"You joined {membership.organization.name} as {membership.role}.")
            return redirect("home")
    return render(request, "organizations/invitation_accept.html", {"token": token})
