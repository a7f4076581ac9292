from django.contrib import admin
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest

from chats.models import Chat, ChatModel, GuardrailPolicy, OrganizationModel, SystemPrompt
from core.admin import ReadOnlyAdmin


@admin.register(ChatModel)
class ChatModelAdmin(admin.ModelAdmin):
    """Models operators add beside those the settings declare; a row with a settings model's id replaces it."""

    list_display = ["model_id", "provider", "upstream_model", "context_window", "price_in_per_1k",
                    "price_out_per_1k", "fallback_model_id", "is_enabled"]  # fmt: skip
    list_filter = ["provider", "is_enabled"]
    search_fields = ["model_id", "name", "upstream_model"]


@admin.register(OrganizationModel)
class OrganizationModelAdmin(admin.ModelAdmin):
    list_display = ["organization", "model_id", "is_enabled"]
    list_filter = ["is_enabled"]
    search_fields = ["organization__name", "model_id"]
    list_select_related = ["organization"]


@admin.register(Chat)
class ChatAdmin(ReadOnlyAdmin):
    """What operators see of chats: who, where, how much; never what was said."""

    list_display = ["created_at", "organization", "user", "model", "messages", "tokens", "is_archived"]
    list_filter = ["is_archived", "model", "created_at"]
    search_fields = ["id", "organization__name", "user__email"]
    fields = ["id", "organization", "user", "model", "is_archived", "created_at", "updated_at"]
    readonly_fields = fields
    list_select_related = ["organization", "user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Chat]:
        return (
            Chat.objects.dangerously_unscoped()
            .annotate(message_count=Count("messages"), token_total=Sum("messages__tokens_out"))
            .select_related("organization", "user")
        )

    @admin.display(ordering="message_count")
    def messages(self, chat: Chat) -> int:
        return chat.message_count

    @admin.display(description="Tokens out", ordering="token_total")
    def tokens(self, chat: Chat) -> int:
        return chat.token_total or 0


@admin.register(SystemPrompt)
class SystemPromptAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "updated_at"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]


@admin.register(GuardrailPolicy)
class GuardrailPolicyAdmin(ReadOnlyAdmin):
    list_display = ["organization", "updated_at"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
