"""A chat's title, written by its model after the first answer (or from the first words, offline)."""

import contextlib
import re

from asgiref.sync import async_to_sync
from celery import shared_task

from chats import registry
from chats.guardrails import Redactor, Screening
from chats.models import Chat, Message
from chats.providers.base import CompletionRequest, ProviderFailure
from chats.providers.base import Message as ProviderMessage
from chats.services.policies import guardrail_policy_get
from core.exceptions import ValidationFailed
from scans.engine.pii import restore

TITLE_WORDS = 8
TITLE_PROMPT = (
    "Write a title of at most six words for a conversation that begins with the message below. "
    "Answer with the title only."
)


def _first_words(text: str) -> str:
    words = text.split()
    title = " ".join(words[:TITLE_WORDS])
    return title + ("…" if len(words) > TITLE_WORDS else "")


async def _asked(spec: registry.ModelSpec, question: str) -> str:
    request = CompletionRequest(
        model=spec.upstream,
        messages=[ProviderMessage("system", TITLE_PROMPT), ProviderMessage("user", question)],
        max_tokens=20,
        temperature=0.2,
        timeout=20,
    )
    return (await registry.provider_for(spec).complete(request)).content


@shared_task(ignore_result=True)
def chat_title_generate_task(chat_id: str) -> None:
    chat = Chat.objects.dangerously_unscoped().select_related("organization").filter(pk=chat_id, title="").first()
    first = chat and Message.objects.filter(chat=chat, role=Message.Role.USER).order_by("created_at").first()
    if first is None:
        return
    try:
        spec = registry.registry_model(chat.organization, chat.model)
    except ValidationFailed:  # the chat's model was removed since: the first words still make a title
        spec = None
    title = _first_words(first.content)
    if spec is not None and spec.provider != "offline":
        # The question leaves Bastion again, so it is redacted again; the title gets the values back.
        screening = Screening()
        redacted = Redactor(guardrail_policy_get(organization=chat.organization), screening).redact(first.content)
        with contextlib.suppress(ProviderFailure):  # a title is a nicety: the first words stand
            title = restore(async_to_sync(_asked)(spec, redacted[:2000]), screening.mapping)
    title = re.sub(r"\s+", " ", title).strip().strip('"') or "New chat"
    Chat.objects.dangerously_unscoped().filter(pk=chat.pk, title="").update(title=title[:200])
