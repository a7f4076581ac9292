from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from billing.models import Usage


@admin.register(Usage)
class UsageAdmin(admin.ModelAdmin):
    """Metered use, read-only: the figures quotas and invoices rest on are never edited by hand."""

    list_display = ["created_at", "organization", "user", "api_key", "kind", "model", "tokens_in", "tokens_out",
                    "cost", "latency_ms", "streamed"]  # fmt: skip
    list_filter = ["kind", "model", "provider", "streamed", "created_at"]
    search_fields = ["organization__name", "user__email", "model"]
    date_hierarchy = "created_at"
    list_select_related = ["organization", "user", "api_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
