"""Memories: what a person asks Bastion to remember, kept with the vector its search ranks by."""

from typing import TYPE_CHECKING, Any

from django.db import transaction

from chats.embeddings import embedder
from chats.embeddings.vectors import vector_pack
from chats.exceptions import MemoryNeedsPerson
from chats.models import Memory
from core.validation import model_check
from organizations.access import organization_action_require
from organizations.models import Organization
from organizations.roles import Action

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from organizations.models import Actor

EDITABLE = ("content", "memory_type", "importance_score", "metadata")


def _embed(memory: Memory) -> None:
    model = embedder()
    memory.embedding = vector_pack(model.embed([memory.content])[0])
    memory.embedder = model.name


@transaction.atomic
def memory_create(
    *,
    actor: "Actor",
    organization: Organization,
    content: str,
    memory_type: str = Memory.Type.GLOBAL,
    importance_score: float = 0.5,
    metadata: dict[str, Any] | None = None,
) -> Memory:
    if getattr(actor, "is_api_key", False):
        raise MemoryNeedsPerson()
    organization_action_require(actor=actor, organization=organization, action=Action.CHAT_USE)
    memory = Memory(
        organization=organization,
        user=actor,
        content=content,
        memory_type=memory_type,
        importance_score=importance_score,
        metadata=metadata or {},
    )
    model_check(memory)
    _embed(memory)
    memory.save()
    return memory


@transaction.atomic
def memory_update(*, actor: "Actor", memory: Memory, fields: dict[str, Any]) -> Memory:
    """`memory` came through `memory_get`, so it is the actor's own."""
    organization_action_require(actor=actor, organization=memory.organization, action=Action.CHAT_USE)
    for name in EDITABLE:
        if name in fields:
            setattr(memory, name, fields[name])
    model_check(memory)
    if "content" in fields:
        _embed(memory)
    memory.save()
    return memory


@transaction.atomic
def memory_delete(*, actor: "Actor", memory: Memory) -> None:
    organization_action_require(actor=actor, organization=memory.organization, action=Action.CHAT_USE)
    memory.delete()


def memories_reembed(*, memories: "QuerySet[Memory]") -> int:
    """Embed the given memories again with the configured embedder; the number done."""
    count = 0
    for memory in memories.iterator():
        _embed(memory)
        memory.save(update_fields=["embedding", "embedder"])
        count += 1
    return count
