from django.contrib import admin

from billing.models import Usage
from core.admin import ReadOnlyAdmin


@admin.register(Usage)
class UsageAdmin(ReadOnlyAdmin):
    """Metered use, read-only: the figures quotas and invoices rest on are never edited by hand."""

    list_display = ["created_at", "organization", "user", "api_key", "kind", "model", "tokens_in", "tokens_out",
                    "cost", "latency_ms", "streamed"]  # fmt: skip
    list_filter = ["kind", "model", "provider", "streamed", "created_at"]
    search_fields = ["organization__name", "user__email", "model"]
    date_hierarchy = "created_at"
    list_select_related = ["organization", "user", "api_key"]
