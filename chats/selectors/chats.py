from uuid import UUID

from django.db.models import QuerySet

from chats.models import Chat, Message, SystemPrompt
from core.exceptions import ResourceNotFound


def chat_list(*, actor: object) -> QuerySet[Chat]:
    return Chat.objects.visible_to(actor)


def chat_get(*, actor: object, chat_id: UUID) -> Chat:
    """The actor's own chat, or 404: another member's chat is as absent as another organization's."""
    found = Chat.objects.visible_to(actor).select_related("organization", "system_prompt_ref").filter(pk=chat_id)
    chat = found.first()
    if chat is None:
        raise ResourceNotFound("Chat not found.")
    return chat


def chat_messages(*, chat: Chat) -> QuerySet[Message]:
    return Message.objects.filter(chat=chat)


def chat_history(*, chat: Chat, limit: int) -> list[Message]:
    """The newest `limit` messages the model reads again, oldest first; blocked prompts are left out."""
    recent = Message.objects.filter(chat=chat).order_by("-created_at")[:limit]
    return [message for message in reversed(recent) if message.guardrail.get("action") != "block"]


def system_prompt_list(*, actor: object) -> QuerySet[SystemPrompt]:
    return SystemPrompt.objects.visible_to(actor)


def system_prompt_get(*, actor: object, system_prompt_id: UUID) -> SystemPrompt:
    prompt = SystemPrompt.objects.visible_to(actor).select_related("organization").filter(pk=system_prompt_id).first()
    if prompt is None:
        raise ResourceNotFound("System prompt not found.")
    return prompt


def chat_latest(*, actor: object, organization: object) -> Chat | None:
    """The person's most recent open chat in the organization: seed 002's single conversation."""
    return chat_list(actor=actor).filter(organization=organization, is_archived=False).order_by("-updated_at").first()
