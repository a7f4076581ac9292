"""Pages of an organization's API keys: creating one (shown once), and revoking one or all of a creator's."""

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.exceptions import BastionError
from core.pages import form_errors_add
from organizations import selectors
from organizations.forms import ApiKeyForm, ApiKeyRevokeForm
from organizations.models import ApiKey
from organizations.pages import OrganizationAccess, found, organization_access, section_render
from organizations.roles import Action
from organizations.services import api_keys


def api_keys_by_creator(request: HttpRequest, access: OrganizationAccess) -> dict[UUID, list[ApiKey]]:
    """The organization's live keys grouped by who created them (one query); none for those who may not see keys."""
    if not access.can["api_keys_manage"]:
        return {}
    grouped: dict[UUID, list[ApiKey]] = {}
    for api_key in selectors.api_key_list(actor=request.user).filter(organization=access.organization):
        if api_key.created_by_id is not None:
            grouped.setdefault(api_key.created_by_id, []).append(api_key)
    return grouped


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
            return section_render(
                request, "organizations/api_key_created.html", access, "api-keys", api_key=api_key, raw_key=raw_key
            )
    keys_by_creator = api_keys_by_creator(request, access)
    keys = selectors.api_key_list(actor=request.user).filter(organization=access.organization)
    rows = [{"key": key, "creators_keys": len(keys_by_creator.get(key.created_by_id, []))} for key in keys]
    return section_render(request, "organizations/api_keys.html", access, "api-keys", form=form, rows=rows)


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
