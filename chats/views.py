"""Dashboard pages of chats: the person's chats in the current organization with a new-chat form, one
chat with its messages and a composer that streams answers over ws/chat/<id>/ (static/js/chat.js),
its settings, archiving and deleting. They read through the API's selectors and write through its
services, so a page allows and refuses exactly what the API does."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chats import registry
from chats.forms import ChatForm, GuardrailPolicyForm
from chats.models import Chat
from chats.selectors import chats as selectors
from chats.selectors.knowledge import collection_list
from chats.services import chats as services
from chats.services.policies import guardrail_policy_get, guardrail_policy_update
from core.exceptions import BastionError
from core.pages import form_errors_add
from organizations.context_processors import current_organization_get
from organizations.models import Organization
from organizations.pages import OrganizationAccess, found, organization_access, section_render
from organizations.roles import Action

CHATS_SHOWN = 100


def _chat_access(request: HttpRequest, chat_id: UUID) -> tuple[Chat, OrganizationAccess]:
    chat = found(selectors.chat_get, actor=request.user, chat_id=chat_id)
    return chat, organization_access(request, chat.organization_id, Action.CHAT_USE)


def _chat_form(request: HttpRequest, organization: Organization, **options: Any) -> ChatForm:
    prompts = list(selectors.system_prompt_list(actor=request.user).in_organization(organization))
    models = registry.registry_models(organization)
    return ChatForm(request.POST or None, models=models, prompts=prompts, **options)


@login_required
def chat_list_page(request: HttpRequest) -> HttpResponse:
    organization = current_organization_get(request)
    if organization is None:
        return render(request, "chats/chat_list.html", {"organization": None})
    organization_access(request, organization.pk, Action.CHAT_USE)
    form = _chat_form(request, organization, initial={"model": registry.registry_model(organization, None).id})
    if request.method == "POST" and form.is_valid():
        try:
            chat = services.chat_create(actor=request.user, organization=organization, **form.service_fields())
        except BastionError as error:
            form_errors_add(form, error)
        else:
            return redirect("chat-detail-page", chat_id=chat.pk)
    chats = selectors.chat_list(actor=request.user).in_organization(organization)
    chats = chats.annotate(message_count=Count("messages"))[:CHATS_SHOWN]
    context = {
        "organization": organization,
        "form": form,
        "active": [chat for chat in chats if not chat.is_archived],
        "archived": [chat for chat in chats if chat.is_archived],
    }
    return render(request, "chats/chat_list.html", context, status=400 if form.errors else 200)


@login_required
def chat_detail_page(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    chat, access = _chat_access(request, chat_id)
    initial = {"title": chat.title, "model": chat.model, "system_prompt": chat.system_prompt}
    initial["system_prompt_id"] = str(chat.system_prompt_ref_id or "")
    form = _chat_form(request, access.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.chat_update(actor=request.user, chat=chat, **form.service_fields())
        except BastionError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Chat settings saved.")
            return redirect("chat-detail-page", chat_id=chat.pk)
    context = {
        "organization": access.organization,
        "chat": chat,
        "chat_messages": selectors.chat_messages(chat=chat),
        "models": registry.registry_models(access.organization),
        "collections": collection_list(actor=request.user).filter(organization=access.organization).order_by("name"),
        "form": form,
    }
    return render(request, "chats/chat_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def chat_archive_page(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    chat, _ = _chat_access(request, chat_id)
    archive = request.POST.get("archive") == "1"
    services.chat_update(actor=request.user, chat=chat, is_archived=archive)
    messages.success(request, f"{chat}: {'archived' if archive else 'restored'}.")
    return redirect("chat-list-page" if archive else "chat-detail-page", **({} if archive else {"chat_id": chat.pk}))


@login_required
def chat_delete_page(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    chat, access = _chat_access(request, chat_id)
    if request.method == "POST":
        services.chat_delete(actor=request.user, chat=chat)
        messages.success(request, f"{chat}: deleted with its messages.")
        return redirect("chat-list-page")
    return render(request, "chats/chat_delete.html", {"organization": access.organization, "chat": chat})


@login_required
def guardrail_policy_page(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    """What the guardrails do with each risk: every member reads it, owners and admins change it."""
    access = organization_access(request, organization_id, Action.CHAT_USE)
    policy = guardrail_policy_get(organization=access.organization)
    form = GuardrailPolicyForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            guardrail_policy_update(actor=request.user, organization=access.organization, rules=form.rules())
        except BastionError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Guardrail policy saved.")
            return redirect("guardrail-policy-page", access.organization.pk)
    return section_render(request, "chats/guardrail_policy.html", access, "guardrails", form=form)
