"""The organization's knowledge: memories (private to their owner, like chats), and collections of
documents cut into chunks, which retrieval (chats.retrieval) ranks. Vectors are stored as bytes in
the row (chats.embeddings.vectors), so plain PostgreSQL and SQLite both hold them."""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from chats.models.chats import OwnedQuerySet
from core.tenancy import ScopedQuerySet
from organizations.models import Organization, TenantQuerySet

if TYPE_CHECKING:
    from organizations.models import Actor


class Memory(models.Model):
    class Type(models.TextChoices):
        GLOBAL = "global", "Global"
        PREFERENCE = "preference", "Preference"
        FACT = "fact", "Fact"
        INSTRUCTION = "instruction", "Instruction"
        CONTEXT = "context", "Context"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memories")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memories")
    content = models.TextField(max_length=10_000)
    memory_type = models.CharField(max_length=20, choices=Type.choices, default=Type.GLOBAL)
    importance_score = models.FloatField(default=0.5, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    metadata = models.JSONField(default=dict, blank=True)
    # The content's vector as chats.embeddings.vectors packs it, and the embedder that made it.
    embedding = models.BinaryField(default=b"", editable=False)
    embedder = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "organization", "memory_type"], name="memory_owner_type")]

    def __str__(self) -> str:
        return self.content[:60]


class Collection(models.Model):
    # Where a document uploaded without a `collection_id` goes: made on first use, one per organization.
    DEFAULT_NAME = "General"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped in SQL whenever the collection's chunks change: every process compares it with the one its
    # cached index was built at, so a search never reads an index another worker has made stale.
    version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="collection_unique_name")]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    class MimeType(models.TextChoices):
        TEXT = "text/plain", "Text"
        MARKDOWN = "text/markdown", "Markdown"
        PDF = "application/pdf", "PDF"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="documents")
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=300)
    mime_type = models.CharField(max_length=40, choices=MimeType.choices, default=MimeType.TEXT)
    size = models.PositiveIntegerField(default=0)  # bytes as uploaded
    # The text extracted at upload (a PDF's pages); chunking and embedding read it in the worker.
    content = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(max_length=500, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    chunk_count = models.PositiveIntegerField(default=0)
    # The embedder its chunks' vectors came from: `manage.py knowledge_reembed` redoes the others.
    embedder = models.CharField(max_length=100, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="document_recent")]

    def __str__(self) -> str:
        return self.title


class ChunkQuerySet(ScopedQuerySet):
    def visible_to(self, actor: "Actor") -> "ChunkQuerySet":
        return self.filter(collection__in=Collection.objects.visible_to(actor).values("pk"))

    def in_collection(self, collection: "Collection | uuid.UUID") -> "ChunkQuerySet":
        """The chunks of a collection the caller already reached through its organization's door."""
        return self.filter(collection=collection)

    def in_collections(self, collection_ids: "list[uuid.UUID]") -> "ChunkQuerySet":
        return self.filter(collection__in=collection_ids)


class Chunk(models.Model):
    id = models.BigAutoField(primary_key=True)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="chunks")
    # The document's collection, copied: an index is built from one indexed filter, with no join.
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="chunks")
    ordinal = models.PositiveIntegerField()  # its place in the document, from 1
    text = models.TextField()
    embedding = models.BinaryField(default=b"")
    token_count = models.PositiveIntegerField(default=0)

    objects = ChunkQuerySet.as_manager()

    class Meta:
        ordering = ["document", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["document", "ordinal"], name="chunk_unique_ordinal")]

    def __str__(self) -> str:
        return f"{self.document_id} §{self.ordinal}"
