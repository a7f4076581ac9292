from django.conf import settings
from rest_framework import serializers

from chats.models import Chat, Message, SystemPrompt
from config.api.serializers import MetadataField


class ChatInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    model = serializers.CharField(max_length=100, required=False, help_text="A registry id (GET models).")
    system_prompt = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    system_prompt_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="One of the organization's system prompts, used instead."
    )
    metadata = MetadataField(required=False)
    is_archived = serializers.BooleanField(required=False)


class ChatCreateSerializer(ChatInputSerializer):
    organization_id = serializers.UUIDField(
        required=False, help_text="Where the chat belongs; may be left out by someone in one organization."
    )


class ChatListQuerySerializer(serializers.Serializer):
    include_archived = serializers.BooleanField(required=False, default=False)
    organization_id = serializers.UUIDField(required=False)


class ChatOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField(read_only=True)
    user_id = serializers.UUIDField(read_only=True)
    system_prompt_id = serializers.UUIDField(source="system_prompt_ref_id", read_only=True, allow_null=True)

    class Meta:
        model = Chat
        fields = [
            "id", "organization_id", "user_id", "title", "model", "system_prompt", "system_prompt_id", "metadata",
            "is_archived", "created_at", "updated_at",
        ]  # fmt: skip


class MessageOutputSerializer(serializers.ModelSerializer):
    chat_id = serializers.UUIDField(read_only=True)
    tokens_used = serializers.IntegerField(read_only=True)

    class Meta:
        model = Message
        fields = [
            "id", "chat_id", "role", "content", "model", "tokens_in", "tokens_out", "tokens_used", "latency_ms",
            "guardrail", "finish_reason", "is_partial", "created_at",
        ]  # fmt: skip


class CompletionMessageSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=["system", "user", "assistant"])
    content = serializers.CharField(max_length=settings.LLM_MAX_MESSAGE_CHARS, allow_blank=True, trim_whitespace=False)


class CompletionInputSerializer(serializers.Serializer):
    organization_id = serializers.UUIDField(required=False, help_text="Left out with `chat_id`: the chat's.")
    chat_id = serializers.UUIDField(required=False, help_text="Continue this chat: its history and model apply.")
    model = serializers.CharField(max_length=100, required=False)
    messages = serializers.ListField(
        child=CompletionMessageSerializer(),
        min_length=1,
        max_length=settings.LLM_MAX_MESSAGES,
        help_text="The new turn (with `chat_id`, after the chat's history); the newest user message is screened.",
    )
    temperature = serializers.FloatField(min_value=0, max_value=2, required=False)
    max_tokens = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    stream = serializers.BooleanField(default=False, help_text="Answer as Server-Sent Events.")
    use_rag = serializers.BooleanField(default=False, help_text="Ground the answer in documents and memories.")
    collection_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=20)


class AnswerMessageSerializer(serializers.Serializer):
    role = serializers.CharField()
    content = serializers.CharField()


class CompletionOutputSerializer(serializers.Serializer):
    id = serializers.CharField()
    model = serializers.CharField()
    message = AnswerMessageSerializer()
    tokens_used = serializers.IntegerField()
    prompt_tokens = serializers.IntegerField()
    completion_tokens = serializers.IntegerField()
    finish_reason = serializers.CharField()
    is_partial = serializers.BooleanField()
    chat_id = serializers.UUIDField(allow_null=True)
    guardrail = serializers.DictField(help_text="The guardrails' decision: action, categories, scores, counts.")


class ModelOutputSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    provider = serializers.CharField()
    context_window = serializers.IntegerField()
    capabilities = serializers.ListField(child=serializers.CharField())
    price_in_per_1k = serializers.DecimalField(max_digits=10, decimal_places=6)
    price_out_per_1k = serializers.DecimalField(max_digits=10, decimal_places=6)
    offline = serializers.BooleanField(help_text="Answers from retrieved context only; no language model.")


class ModelListOutputSerializer(serializers.Serializer):
    """The list shape, whole: a registry is short, so it comes in one page."""

    items = ModelOutputSerializer(many=True)
    total = serializers.IntegerField()
    skip = serializers.IntegerField()
    limit = serializers.IntegerField()


class ModelListQuerySerializer(serializers.Serializer):
    organization_id = serializers.UUIDField(required=False)


class GenerateInputSerializer(serializers.Serializer):
    organization_id = serializers.UUIDField(required=False)
    model = serializers.CharField(max_length=100, required=False)
    prompt = serializers.CharField(max_length=settings.LLM_MAX_MESSAGE_CHARS)
    max_tokens = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    temperature = serializers.FloatField(min_value=0, max_value=2, required=False)


class GenerateOutputSerializer(serializers.Serializer):
    id = serializers.CharField()
    model = serializers.CharField()
    text = serializers.CharField()
    tokens_used = serializers.IntegerField()
    finish_reason = serializers.CharField()
    guardrail = serializers.DictField()


class SystemPromptInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    content = serializers.CharField(max_length=20_000)


class SystemPromptCreateSerializer(SystemPromptInputSerializer):
    organization_id = serializers.UUIDField(required=False)


class SystemPromptOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = SystemPrompt
        fields = ["id", "organization_id", "name", "content", "created_at", "updated_at"]


class GuardrailRuleSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["allow", "warn", "redact", "block"])
    threshold = serializers.IntegerField(min_value=0, max_value=100)


class GuardrailPolicySerializer(serializers.Serializer):
    jailbreak = GuardrailRuleSerializer(required=False)
    injection = GuardrailRuleSerializer(required=False)
    data_exfiltration = GuardrailRuleSerializer(required=False)
    system_prompt_exposure = GuardrailRuleSerializer(required=False)
    pii = GuardrailRuleSerializer(required=False)
    secrets = GuardrailRuleSerializer(required=False)
