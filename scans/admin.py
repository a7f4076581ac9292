from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin
from scans.models import Finding, Scan, Triage


class FindingInline(admin.TabularInline):
    model = Finding
    fields = ["severity", "rule_id", "file_path", "line", "snippet", "fingerprint"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Scan)
class ScanAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "scan_type", "status", "project", "ai_risk_score", "risk_level", "duration_seconds"]
    list_filter = ["scan_type", "status", "risk_level", "created_at"]
    search_fields = ["id", "project__name", "project__organization__name"]
    date_hierarchy = "created_at"
    list_select_related = ["project__organization"]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "severity", "rule_id", "file_path", "line", "scan"]
    list_filter = ["severity", "category", "confidence"]
    search_fields = ["rule_id", "fingerprint", "file_path"]
    list_select_related = ["scan"]


@admin.register(Triage)
class TriageAdmin(ReadOnlyAdmin):
    list_display = ["decided_at", "organization", "fingerprint", "status", "decided_by"]
    list_filter = ["status", "decided_at"]
    search_fields = ["fingerprint", "organization__name"]
    list_select_related = ["organization", "decided_by"]
