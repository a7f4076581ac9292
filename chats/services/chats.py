"""Chats and the organization's system prompts: every write goes through here."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from chats import registry
from chats.models import Chat, SystemPrompt
from core.exceptions import AlreadyExists, InsufficientPermissions, ValidationFailed
from organizations.access import organization_action_require
from organizations.models import Organization
from organizations.roles import Action

CHAT_FIELDS = ("title", "model", "system_prompt", "system_prompt_id", "metadata", "is_archived")


def _library_entry(organization: Organization, system_prompt_id: Any) -> SystemPrompt | None:
    if system_prompt_id is None:
        return None
    found = SystemPrompt.objects.in_organization(organization).filter(pk=system_prompt_id).first()
    if found is None:
        # Another organization's prompt is as unknown as a made-up id.
        raise ValidationFailed(errors={"system_prompt_id": ["No such system prompt in this organization."]})
    return found


def chat_create(*, actor: Any, organization: Organization, **fields: Any) -> Chat:
    organization_action_require(actor=actor, organization=organization, action=Action.CHAT_USE)
    if getattr(actor, "is_api_key", False):
        # A chat is a person's; a key completes without one (chat/completions with no chat_id, or /v1).
        raise InsufficientPermissions("Chats belong to a person: an API key completes without a chat.")
    spec = registry.registry_model(organization, fields.get("model"))
    return Chat.objects.create(
        organization=organization,
        user=actor,
        title=fields.get("title", ""),
        model=spec.id,
        system_prompt=fields.get("system_prompt", ""),
        system_prompt_ref=_library_entry(organization, fields.get("system_prompt_id")),
        metadata=fields.get("metadata", {}),
    )


def chat_update(*, actor: Any, chat: Chat, **fields: Any) -> Chat:
    organization_action_require(actor=actor, organization=chat.organization, action=Action.CHAT_USE)
    if "model" in fields:
        chat.model = registry.registry_model(chat.organization, fields.pop("model")).id
    if "system_prompt_id" in fields:
        chat.system_prompt_ref = _library_entry(chat.organization, fields.pop("system_prompt_id"))
    for name, value in fields.items():
        setattr(chat, name, value)
    chat.updated_at = timezone.now()
    chat.save()
    return chat


def chat_delete(*, actor: Any, chat: Chat) -> None:
    chat.delete()


def chat_clear(*, actor: Any, chat: Chat) -> int:
    """Delete a chat's messages and keep the chat (seed 002's `chat/clear`)."""
    deleted, _ = chat.messages.all().delete()
    return deleted


def system_prompt_create(*, actor: Any, organization: Organization, name: str, content: str) -> SystemPrompt:
    organization_action_require(actor=actor, organization=organization, action=Action.CHAT_USE)
    try:
        with transaction.atomic():
            return SystemPrompt.objects.create(
                organization=organization,
                name=name,
                content=content,
                created_by=None if getattr(actor, "is_api_key", False) else actor,
            )
    except IntegrityError:
        raise AlreadyExists(errors={"name": ["This organization already has a system prompt of that name."]}) from None


def system_prompt_update(*, actor: Any, system_prompt: SystemPrompt, **fields: Any) -> SystemPrompt:
    organization_action_require(actor=actor, organization=system_prompt.organization, action=Action.CHAT_USE)
    for name, value in fields.items():
        setattr(system_prompt, name, value)
    try:
        with transaction.atomic():
            system_prompt.save()
    except IntegrityError:
        raise AlreadyExists(errors={"name": ["This organization already has a system prompt of that name."]}) from None
    return system_prompt


def system_prompt_delete(*, actor: Any, system_prompt: SystemPrompt) -> None:
    organization_action_require(actor=actor, organization=system_prompt.organization, action=Action.CHAT_USE)
    system_prompt.delete()


def chat_latest_ensure(*, actor: Any, organization: Organization) -> Chat:
    """The person's most recent open chat in the organization, started when there is none (seed 002's
    clients send messages without naming a chat)."""
    from chats.selectors.chats import chat_latest

    return chat_latest(actor=actor, organization=organization) or chat_create(actor=actor, organization=organization)
