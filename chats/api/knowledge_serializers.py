"""Input and output shapes of memories, collections, documents and search."""

import json
from typing import Any

from django.conf import settings
from rest_framework import serializers

from chats.models import Collection, Document, Memory
from core.fields import StrictCharField

# A metadata object stays small and flat enough to show and to store as JSON in either database.
METADATA_MAX_BYTES = 8 * 1024
METADATA_MAX_DEPTH = 4


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    return 0


class MetadataField(serializers.JSONField):
    default_error_messages = {"invalid": "Must be a JSON object."}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail("invalid")
        encoded = json.dumps(data)
        if len(encoded.encode("utf-8", "surrogatepass")) > METADATA_MAX_BYTES:
            raise serializers.ValidationError(f"At most {METADATA_MAX_BYTES} bytes of JSON.")
        if _depth(data) > METADATA_MAX_DEPTH:
            raise serializers.ValidationError(f"Nested at most {METADATA_MAX_DEPTH} levels deep.")
        # PostgreSQL's jsonb holds neither NUL nor unpaired surrogates; json.dumps spells both as escapes.
        if "\\u0000" in encoded or any(0xD800 <= ord(char) <= 0xDFFF for char in _strings(data)):
            raise serializers.ValidationError("Text in metadata may not hold NUL or unpaired surrogates.")
        return data


def _strings(value: Any) -> str:
    if isinstance(value, dict):
        return "".join(_strings(key) + _strings(item) for key, item in value.items())
    if isinstance(value, list):
        return "".join(_strings(item) for item in value)
    return value if isinstance(value, str) else ""


class StrictFloatField(serializers.FloatField):
    """A JSON number: a string or a boolean is refused rather than converted."""

    default_error_messages = {"invalid": "Must be a number."}

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "Must be a whole number."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


def _organization_field() -> serializers.UUIDField:
    return serializers.UUIDField(
        required=False, help_text="Optional when you can act in only one organization (an API key's own)."
    )


# --- Memories -------------------------------------------------------------------------------------------


class MemoryOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Memory
        fields = [
            "id",
            "organization_id",
            "content",
            "memory_type",
            "importance_score",
            "metadata",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MemoryUpdateSerializer(serializers.Serializer):
    content = StrictCharField(max_length=10_000, required=False)
    memory_type = serializers.ChoiceField(choices=Memory.Type.choices, required=False)
    importance_score = StrictFloatField(min_value=0.0, max_value=1.0, required=False)
    metadata = MetadataField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError({"content": ["Send at least one field to change."]})
        return attrs


class MemoryInputSerializer(MemoryUpdateSerializer):
    organization_id = _organization_field()
    content = StrictCharField(max_length=10_000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs


class MemoryListQuerySerializer(serializers.Serializer):
    memory_type = serializers.ChoiceField(choices=Memory.Type.choices, required=False)


class MemorySearchInputSerializer(serializers.Serializer):
    organization_id = _organization_field()
    query = StrictCharField(max_length=2000)
    memory_type = serializers.ChoiceField(choices=Memory.Type.choices, required=False)
    limit = StrictIntegerField(min_value=1, max_value=50, default=10)


class MemoryHitOutputSerializer(MemoryOutputSerializer):
    score = serializers.FloatField(help_text="Meaning blended with importance (MEMORY_IMPORTANCE_WEIGHT).")
    similarity = serializers.FloatField(help_text="Cosine similarity of the memory and the query.")

    class Meta(MemoryOutputSerializer.Meta):
        fields = [*MemoryOutputSerializer.Meta.fields, "score", "similarity"]
        read_only_fields = fields


class MemorySearchOutputSerializer(serializers.Serializer):
    query = serializers.CharField()
    items = MemoryHitOutputSerializer(many=True)


# --- Collections ----------------------------------------------------------------------------------------


class CollectionOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField(read_only=True)
    document_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Collection
        fields = [
            "id",
            "organization_id",
            "name",
            "description",
            "version",
            "document_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CollectionUpdateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=120, required=False)
    description = StrictCharField(max_length=2000, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError({"name": ["Send name, description or both."]})
        return attrs


class CollectionInputSerializer(CollectionUpdateSerializer):
    organization_id = _organization_field()
    name = StrictCharField(max_length=120)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs


# --- Documents ------------------------------------------------------------------------------------------


class DocumentOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField(read_only=True)
    collection_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id", "organization_id", "collection_id", "title", "mime_type", "size", "status", "error",
            "metadata", "chunk_count", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class DocumentInputSerializer(serializers.Serializer):
    """A document sent as JSON (seed 003): its text in `content`."""

    organization_id = _organization_field()
    collection_id = serializers.UUIDField(required=False, help_text="By default the organization's General collection.")
    title = StrictCharField(max_length=300)
    content = StrictCharField(max_length=settings.DOCUMENT_MAX_BYTES)
    mime_type = serializers.ChoiceField(
        choices=[Document.MimeType.TEXT, Document.MimeType.MARKDOWN],
        default=Document.MimeType.TEXT,
        help_text="A PDF is uploaded as a multipart `file`.",
    )
    metadata = MetadataField(required=False)


class DocumentFileInputSerializer(serializers.Serializer):
    """A document uploaded as a multipart file: text, Markdown or PDF."""

    organization_id = _organization_field()
    collection_id = serializers.UUIDField(required=False)
    file = serializers.FileField(allow_empty_file=False)
    title = StrictCharField(max_length=300, required=False, help_text="By default the file's name.")
    mime_type = StrictCharField(max_length=100, required=False, help_text="By default the file's own type.")


class DocumentListQuerySerializer(serializers.Serializer):
    collection_id = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=Document.Status.choices, required=False)


# --- Search ---------------------------------------------------------------------------------------------


class SearchInputSerializer(serializers.Serializer):
    question = StrictCharField(max_length=2000)
    collection_id = serializers.UUIDField()
    limit = StrictIntegerField(min_value=1, max_value=50, default=5)
    user_id = serializers.UUIDField(
        required=False, help_text="Accepted for seed 004's clients and ignored: the token says who asks."
    )


class SearchResultOutputSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    chunk_id = serializers.IntegerField()
    document_id = serializers.UUIDField()
    title = serializers.CharField()
    ordinal = serializers.IntegerField()
    source = serializers.CharField(help_text='"<document title> §<ordinal>", as citations show it.')
    text = serializers.CharField()
    score = serializers.FloatField(help_text="The fused rank score: higher is better.")
    dense_score = serializers.FloatField(help_text="Cosine similarity of the chunk and the question.")
    lexical_score = serializers.FloatField(help_text="BM25 score of the chunk for the question.")


class CitationOutputSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text='The "[n]" mark in the answer.')
    source = serializers.CharField()
    document_id = serializers.UUIDField()
    chunk_id = serializers.IntegerField()


class SearchOutputSerializer(serializers.Serializer):
    question = serializers.CharField()
    collection_id = serializers.UUIDField()
    answer = serializers.CharField(help_text='Sentences quoted from the best chunks, each with its "[n]" citation.')
    citations = CitationOutputSerializer(many=True)
    results = SearchResultOutputSerializer(many=True)
    took_ms = serializers.FloatField()
