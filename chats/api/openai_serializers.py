"""OpenAI's request bodies, as far as Bastion honours them; fields it does not know are ignored, as
OpenAI-compatible servers do, so clients sending `top_p` or `user` keep working."""

from django.conf import settings
from rest_framework import serializers

ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}


class OpenAIContentField(serializers.Field):
    """A message's content: a string, or a list of parts of which only text parts are supported."""

    def to_internal_value(self, data: object) -> str:
        if isinstance(data, str):
            text = data
        elif isinstance(data, list) and all(isinstance(part, dict) for part in data):
            if any(part.get("type") != "text" or not isinstance(part.get("text"), str) for part in data):
                raise serializers.ValidationError("Only text content parts are supported.")
            text = "".join(part["text"] for part in data)
        elif data is None:
            text = ""
        else:
            raise serializers.ValidationError("Give a string or a list of text parts.")
        if len(text) > settings.LLM_MAX_MESSAGE_CHARS:
            raise serializers.ValidationError(f"Keep each message under {settings.LLM_MAX_MESSAGE_CHARS} characters.")
        return text

    def to_representation(self, value: str) -> str:
        return value


class OpenAIMessageSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=sorted(ROLES))
    content = OpenAIContentField()

    def validate_role(self, role: str) -> str:
        return ROLES[role]


class StreamOptionsSerializer(serializers.Serializer):
    include_usage = serializers.BooleanField(default=False)


class OpenAIChatInputSerializer(serializers.Serializer):
    model = serializers.CharField(max_length=100)
    messages = serializers.ListField(
        child=OpenAIMessageSerializer(), min_length=1, max_length=settings.LLM_MAX_MESSAGES
    )
    temperature = serializers.FloatField(min_value=0, max_value=2, required=False, allow_null=True)
    max_tokens = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True)
    max_completion_tokens = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True)
    stream = serializers.BooleanField(default=False)
    stream_options = StreamOptionsSerializer(required=False, allow_null=True)
    n = serializers.IntegerField(min_value=1, max_value=1, required=False, help_text="Only 1 is supported.")
    # Bastion's own, sent with the official client's `extra_body`: ground the answer in documents.
    use_rag = serializers.BooleanField(default=False)
    collection_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=20)


class OpenAIEmbeddingsInputSerializer(serializers.Serializer):
    model = serializers.CharField(max_length=100)
    input = serializers.JSONField()
    # The official client asks for base64 (float32, little-endian) unless told otherwise.
    encoding_format = serializers.ChoiceField(choices=["float", "base64"], default="float", required=False)

    def validate_input(self, given: object) -> list[str]:
        texts = [given] if isinstance(given, str) else given
        if not isinstance(texts, list) or not texts or not all(isinstance(text, str) for text in texts):
            raise serializers.ValidationError(
                "Give a string or a non-empty list of strings (token arrays are not supported)."
            )
        if len(texts) > 256 or any(len(text) > 32_000 for text in texts):
            raise serializers.ValidationError("Give at most 256 inputs of at most 32,000 characters each.")
        return texts
