import factory
from factory.django import DjangoModelFactory

from chats.embeddings import embedder
from chats.embeddings.vectors import vector_pack
from chats.models import Chunk, Collection, Document, Memory
from tests.accounts.factories import UserFactory
from tests.organizations.factories import OrganizationFactory


def _vector(text: str) -> bytes:
    return vector_pack(embedder().embed([text])[0])


class MemoryFactory(DjangoModelFactory):
    class Meta:
        model = Memory

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    content = factory.Sequence(lambda n: f"Remembered fact number {n}")
    memory_type = Memory.Type.FACT
    embedding = factory.LazyAttribute(lambda memory: _vector(memory.content))
    embedder = factory.LazyFunction(lambda: embedder().name)


class CollectionFactory(DjangoModelFactory):
    class Meta:
        model = Collection

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"collection-{n}")


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    collection = factory.SubFactory(CollectionFactory)
    organization = factory.SelfAttribute("collection.organization")
    title = factory.Sequence(lambda n: f"Document {n}")
    content = "Bastion keeps secrets out of repositories."
    status = Document.Status.READY
    chunk_count = 1


class ChunkFactory(DjangoModelFactory):
    class Meta:
        model = Chunk

    document = factory.SubFactory(DocumentFactory)
    collection = factory.SelfAttribute("document.collection")
    ordinal = factory.Sequence(lambda n: n + 1)
    text = factory.SelfAttribute("document.content")
    embedding = factory.LazyAttribute(lambda chunk: _vector(chunk.text))
