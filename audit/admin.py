from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Operators read the audit log; nobody edits or deletes it, not even a superuser."""

    list_display = ["created_at", "action", "user", "ip_address"]
    list_filter = ["action", "created_at"]
    search_fields = ["user__email", "ip_address", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
