"""Ranking a question against collections (hybrid: dense and BM25, chats.retrieval.ranking) and
memories (meaning blended with importance). Callers hand in rows they reached through a selector,
read in this request: the collections' version stamps decide whether a cached index still holds."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from chats.embeddings import Embedder, embedder
from chats.embeddings.vectors import vectors_unpack
from chats.models import Chunk, Collection, Memory
from chats.retrieval.index import collection_index
from chats.retrieval.ranking import Ranked, fuse_default

Fusion = Callable[..., list[Ranked]]
# Memories read per search: a person's own, so a few thousand at most in practice.
MEMORIES_READ = 5000


@dataclass(frozen=True)
class ChunkHit:
    chunk: Chunk
    score: float
    dense: float
    lexical: float

    @property
    def source(self) -> str:
        return f"{self.chunk.document.title} §{self.chunk.ordinal}"


@dataclass(frozen=True)
class MemoryHit:
    memory: Memory
    score: float
    similarity: float


def chunks_search(
    *,
    collections: Sequence[Collection],
    query: str,
    limit: int,
    fusion: Fusion = fuse_default,
    model: Embedder | None = None,
) -> list[ChunkHit]:
    """The best `limit` chunks of `collections` for `query`, best first."""
    model = model or embedder()
    vector = model.embed([query])[0]
    ranked: list[tuple[Ranked, int]] = []
    for collection in collections:
        index = collection_index(collection=collection, embedder=model)
        dense, lexical = index.scores(query=query, vector=vector)
        ranked += [(hit, int(index.chunk_ids[hit.row])) for hit in fusion(dense, lexical, limit=limit)]
    ranked.sort(key=lambda pair: -pair[0].score)
    best = ranked[:limit]
    chunk_ids = [chunk_id for _, chunk_id in best]
    rows = Chunk.objects.in_collections([c.pk for c in collections]).select_related("document").in_bulk(chunk_ids)
    return [ChunkHit(rows[chunk_id], hit.score, hit.dense, hit.lexical) for hit, chunk_id in best if chunk_id in rows]


def memories_rank(*, memories: Sequence[Memory], query: str, limit: int) -> list[MemoryHit]:
    """`memories` (the actor's own, from a selector) by meaning, blended with their importance."""
    memories = list(memories[:MEMORIES_READ])
    if not memories:
        return []
    model = embedder()
    vector = model.embed([query])[0]
    matrix = vectors_unpack([bytes(memory.embedding) for memory in memories], model.dimensions)
    similarity = matrix @ vector
    weight = settings.MEMORY_IMPORTANCE_WEIGHT
    importance = np.array([memory.importance_score for memory in memories], dtype=np.float32)
    scores = (1 - weight) * similarity + weight * importance
    order = np.argsort(-scores, kind="stable")[:limit]
    return [MemoryHit(memories[i], float(scores[i]), float(similarity[i])) for i in order]
