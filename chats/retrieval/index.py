"""Each process keeps, per collection, the chunks' vector matrix and their BM25 index, built once and
used until the collection's version stamp moves. A query reads the stamps of the collections it
searches (one small query); a stamp that moved, in this process or another, means a rebuild."""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from uuid import UUID

import numpy as np

from chats.embeddings import Embedder
from chats.embeddings.vectors import vectors_unpack
from chats.models import Chunk, Collection
from chats.retrieval.lexical import LexicalIndex

# Collections kept per process; the least recently searched one is dropped first.
CACHED_COLLECTIONS = 64


@dataclass(frozen=True)
class CollectionIndex:
    version: int
    embedder: str
    chunk_ids: np.ndarray
    # float32 in memory: numpy's float16 and int8 products have no BLAS and run 3 to 10 times slower.
    matrix: np.ndarray
    lexical: LexicalIndex

    def scores(self, *, query: str, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dense = self.matrix @ vector if len(self.chunk_ids) else np.zeros(0, dtype=np.float32)
        return dense, self.lexical.scores(query)


_cache: OrderedDict[UUID, CollectionIndex] = OrderedDict()
_lock = threading.Lock()


def index_build(*, collection_id: UUID, version: int, embedder: Embedder) -> CollectionIndex:
    # Read after the stamp: a change that lands in between is in the rows, and the next query,
    # seeing the stamp moved past `version`, builds again; the index is never older than its stamp.
    rows = list(Chunk.objects.in_collection(collection_id).order_by("pk").values_list("pk", "text", "embedding"))
    return CollectionIndex(
        version=version,
        embedder=embedder.name,
        chunk_ids=np.array([row[0] for row in rows], dtype=np.int64),
        matrix=vectors_unpack([bytes(row[2]) for row in rows], embedder.dimensions),
        lexical=LexicalIndex([row[1] for row in rows]),
    )


def collection_index(*, collection: Collection, embedder: Embedder) -> CollectionIndex:
    """The index of `collection` at its current `version` (the caller read the stamp this query)."""
    with _lock:
        cached = _cache.get(collection.pk)
        if cached is not None and cached.version == collection.version and cached.embedder == embedder.name:
            _cache.move_to_end(collection.pk)
            return cached
    built = index_build(collection_id=collection.pk, version=collection.version, embedder=embedder)
    with _lock:
        _cache[collection.pk] = built
        _cache.move_to_end(collection.pk)
        while len(_cache) > CACHED_COLLECTIONS:
            _cache.popitem(last=False)
    return built


def indexes_clear() -> None:
    """Forget every cached index (tests; an operator changing the embedder restarts processes anyway)."""
    with _lock:
        _cache.clear()
