"""The embedders, the stored vectors, chunking and text extraction, below the API."""

import numpy as np
import pytest
from django.test import override_settings

from chats.embeddings import _embedder, embedder
from chats.embeddings.provider import ProviderEmbedder
from chats.embeddings.static import StaticEmbedder
from chats.embeddings.vectors import vector_pack, vectors_unpack
from chats.exceptions import DocumentTypeRefused, DocumentUnreadable
from chats.providers.base import ProviderFailure
from chats.retrieval.chunking import CHUNK_WORDS, OVERLAP_WORDS, chunk_text
from chats.retrieval.extract import document_text, upload_mime_type
from core.providers import ProviderUnavailable


def test_the_static_model_answers_unit_rows_and_a_zero_row_for_nothing():
    model = StaticEmbedder()

    vectors = model.embed(["How do I reset my password?", "", "Steps to recover a forgotten password"])

    assert vectors.shape == (3, 256)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0, atol=1e-5)
    assert not vectors[1].any()


def test_the_static_model_puts_paraphrases_closer_than_strangers():
    vectors = StaticEmbedder().embed(
        [
            "How do I reset my password?",
            "Steps to recover a forgotten password",
            "Quarterly revenue grew by ten percent",
        ]
    )

    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_the_configured_embedder_is_made_once_per_path():
    assert embedder() is embedder()
    assert embedder().name.startswith("static-minilm-l6-v2@")  # the tables' digest follows


def test_a_stored_vector_reads_back_and_a_foreign_width_reads_as_zeros():
    vector = StaticEmbedder().embed(["backups"])[0]

    matrix = vectors_unpack([vector_pack(vector), b"\x00" * 10, b""], 256)

    assert np.allclose(matrix[0], vector, atol=1e-3)
    assert not matrix[1:].any()


class FakeProvider:
    name = "fake"

    def __init__(self, answer=None, failure=None):
        self.answer, self.failure, self.calls = answer, failure, []

    async def embed(self, texts, *, model):
        self.calls.append((list(texts), model))
        if self.failure:
            raise self.failure
        return self.answer


@override_settings(EMBEDDINGS_DIMENSIONS=2)
def test_a_provider_embedder_normalises_what_the_provider_answers():
    provider = FakeProvider(answer=[[3.0, 4.0], [0.0, 2.0]])

    vectors = ProviderEmbedder(provider=provider, model="embed-small").embed(["a", "b"])

    assert np.allclose(vectors, [[0.6, 0.8], [0.0, 1.0]])
    assert provider.calls == [(["a", "b"], "embed-small")]
    assert ProviderEmbedder(provider=provider, model="m").name == "fake:m"


@override_settings(EMBEDDINGS_DIMENSIONS=2)
@pytest.mark.parametrize(
    "provider", [FakeProvider(failure=ProviderFailure("timeout")), FakeProvider(answer=[[1.0, 2.0, 3.0]])]
)
def test_a_provider_failing_or_answering_the_wrong_width_is_unavailable(provider):
    with pytest.raises(ProviderUnavailable):
        ProviderEmbedder(provider=provider, model="m").embed(["a"])


def test_the_backend_setting_picks_the_embedder():
    with override_settings(EMBEDDINGS_BACKEND="tests.chats.test_embeddings.TinyEmbedder"):
        assert embedder().name == "tiny"
    _embedder.cache_clear()


class TinyEmbedder:
    name = "tiny"
    dimensions = 1

    def embed(self, texts):
        return np.ones((len(texts), 1), dtype=np.float32)


def test_chunks_follow_headings_and_long_paragraphs_overlap():
    long = " ".join(f"w{n}" for n in range(400))
    text = f"# Title\n\nIntro words here.\n\n## Long\n\n{long}\n\n## Empty\n"

    chunks = chunk_text(text)

    assert chunks[0] == "# Title\nIntro words here."
    assert all(chunk.startswith("## Long\n") for chunk in chunks[1:-1])
    first, second = chunks[1].split("\n")[1].split(), chunks[2].split("\n")[1].split()
    assert len(first) == CHUNK_WORDS
    assert first[-OVERLAP_WORDS:] == second[:OVERLAP_WORDS]
    assert chunks[-1] == "## Empty"
    assert chunk_text("   \n\n  ") == []


@pytest.mark.parametrize(
    ("declared", "content_type", "name", "expected"),
    [
        (None, "text/plain", "a.bin", "text/plain"),
        (None, "text/x-markdown", "a", "text/markdown"),
        (None, "application/octet-stream", "notes.MD", "text/markdown"),
        ("application/pdf", "application/octet-stream", "x", "application/pdf"),
        (None, "text/plain; charset=utf-8", "a", "text/plain"),
    ],
)
def test_an_uploads_type_comes_from_the_client_then_the_part_then_the_name(declared, content_type, name, expected):
    assert upload_mime_type(declared=declared, content_type=content_type, filename=name) == expected


@pytest.mark.parametrize(("declared", "content_type", "name"), [(None, "image/png", "a.md"), (None, "", "README")])
def test_other_types_are_refused(declared, content_type, name):
    with pytest.raises(DocumentTypeRefused):
        upload_mime_type(declared=declared, content_type=content_type, filename=name)


def test_extracted_text_loses_nul_and_keeps_the_rest():
    assert document_text(data="a\x00b café".encode(), mime_type="text/plain") == "ab café"
    with pytest.raises(DocumentUnreadable):
        document_text(data=b"\x00\x00 \n", mime_type="text/plain")


def test_a_damaged_pdf_is_refused_never_raised_as_something_else():
    import random

    from tests.chats.pdf import pdf_with_text

    intact = pdf_with_text("Badges are renewed every year.")
    generator = random.Random(3)
    for attempt in range(150):
        damaged = bytearray(intact)
        for _ in range(generator.randint(1, 20)):
            damaged[generator.randrange(len(damaged))] = generator.randrange(256)
        data = bytes(damaged[: generator.randint(10, len(damaged))]) if attempt % 3 == 0 else bytes(damaged)
        try:
            document_text(data=data, mime_type="application/pdf")
        except DocumentUnreadable:
            continue
