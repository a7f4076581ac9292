from django.contrib import admin

from alerts.models import Alert, NotificationSettings
from core.admin import ReadOnlyAdmin


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "severity", "kind", "title", "organization", "project", "is_read", "is_resolved"]
    list_filter = ["severity", "kind", "is_read", "is_resolved", "created_at"]
    search_fields = ["id", "fingerprint", "title", "organization__name", "project__name"]
    date_hierarchy = "created_at"
    list_select_related = ["organization", "project"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(ReadOnlyAdmin):
    list_display = ["organization", "email_enabled", "min_severity", "webhook_enabled", "updated_at"]
    # The webhook URL is a credential: not shown even to operators.
    exclude = ["webhook_url"]
    list_select_related = ["organization"]
