"""Retrieval for the gateway: the passages that ground an answer, from the collections and memories
an actor may read in one organization (docs/RAG.md)."""

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from chats.embeddings import embedder
from chats.models import Collection, Memory
from chats.providers.base import Passage
from chats.retrieval.answer import extractive_answer
from chats.retrieval.search import ChunkHit, chunks_search, memories_rank
from core.exceptions import ResourceNotFound
from organizations.access import organization_action_require
from organizations.roles import Action

if TYPE_CHECKING:
    from organizations.models import Actor, Organization

# A memory joins the context only when it is about the question, and takes at most this many places.
MEMORY_MIN_SIMILARITY = 0.35
MEMORY_PLACES = 2


def collections_for(
    *, actor: "Actor", organization: "Organization", collection_ids: list[UUID] | None
) -> list[Collection]:
    """The collections named (every one of the organization's when None), read now with their version
    stamps. An id the actor cannot see in this organization is a 404, like an unknown one."""
    collections = Collection.objects.visible_to(actor).in_organization(organization).only("pk", "version", "name")
    if collection_ids is None:
        return list(collections)
    wanted = set(collection_ids)
    found = list(collections.filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ResourceNotFound("Collection not found.")
    return found


def context_for(
    *,
    actor: "Actor",
    organization: "Organization",
    query: str,
    collection_ids: list[UUID] | None,
    include_memories: bool = True,
    limit: int = 5,
) -> list[Passage]:
    """Up to `limit` passages for `query`: the actor's most relevant memories first (only those about
    the question), then the best chunks of the collections named (all the organization's when None)."""
    organization_action_require(actor=actor, organization=organization, action=Action.CHAT_USE)
    collections = collections_for(actor=actor, organization=organization, collection_ids=collection_ids)
    passages: list[Passage] = []
    if include_memories:
        memories = Memory.objects.visible_to(actor).in_organization(organization)
        hits = memories_rank(memories=memories, query=query, limit=min(MEMORY_PLACES, limit))
        passages += [Passage("memory", hit.memory.content) for hit in hits if hit.similarity >= MEMORY_MIN_SIMILARITY]
    if collections and len(passages) < limit:
        hits = chunks_search(collections=collections, query=query, limit=limit - len(passages))
        passages += [Passage(hit.source, hit.chunk.text) for hit in hits]
    return passages


@dataclass(frozen=True)
class SearchAnswer:
    answer: str
    hits: list[ChunkHit]
    took_ms: float


def collection_search(*, actor: "Actor", collection: Collection, question: str, limit: int = 5) -> SearchAnswer:
    """Seed 004's RAG search: the collection's best chunks for `question`, and an answer quoted from
    them with citations. `collection` was read through `collection_get` in this request, so its
    version stamp is current."""
    started = time.perf_counter()
    organization_action_require(actor=actor, organization=collection.organization, action=Action.CHAT_USE)
    hits = chunks_search(collections=[collection], query=question, limit=limit)
    answer = extractive_answer(question=question, texts=[hit.chunk.text for hit in hits], embedder=embedder())
    return SearchAnswer(answer, hits, (time.perf_counter() - started) * 1000)
