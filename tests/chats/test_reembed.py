"""`manage.py knowledge_reembed`: what another embedder made is embedded again, the rest is left."""

from io import StringIO

import pytest
from django.core.management import call_command

from chats.embeddings import embedder
from chats.models import Chunk, Document, Memory
from tests.chats.knowledge_factories import ChunkFactory, MemoryFactory

pytestmark = pytest.mark.django_db


def test_stale_documents_and_memories_are_embedded_again(django_capture_on_commit_callbacks):
    current = embedder().name
    stale_chunk = ChunkFactory(document__embedder="older-model", text="Backups run nightly.", embedding=b"\x00" * 8)
    fresh_chunk = ChunkFactory(document__embedder=current)
    stale_memory = MemoryFactory(embedder="older-model", embedding=b"")
    fresh_memory = MemoryFactory()
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("knowledge_reembed", stdout=out)

    assert out.getvalue().startswith("1 document(s) queued and 1 memory(ies) embedded again")
    document = Document.objects.dangerously_unscoped().get(pk=stale_chunk.document_id)
    assert (document.status, document.embedder) == (Document.Status.READY, current)
    rebuilt = Chunk.objects.in_collection(document.collection_id).get()
    assert len(bytes(rebuilt.embedding)) == 2 * embedder().dimensions
    assert Chunk.objects.in_collection(fresh_chunk.collection_id).get().pk == fresh_chunk.pk  # untouched
    memory = Memory.objects.dangerously_unscoped().get(pk=stale_memory.pk)
    assert (memory.embedder, len(bytes(memory.embedding))) == (current, 2 * embedder().dimensions)
    assert Memory.objects.dangerously_unscoped().get(pk=fresh_memory.pk).embedding == fresh_memory.embedding
