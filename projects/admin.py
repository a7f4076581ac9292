from django.contrib import admin

from projects.models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """The repository token is write-only everywhere, here too: no field shows or edits it."""

    list_display = ["name", "organization", "repo_type", "scan_count", "last_risk_score", "last_scan", "created_at"]
    list_filter = ["repo_type", "is_public", "created_at"]
    search_fields = ["name", "repo_url", "organization__name", "organization__slug"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fields = [
        "id",
        "organization",
        "name",
        "description",
        "repo_type",
        "repo_url",
        "token_set",
        "is_public",
        "scan_count",
        "last_scan",
        "last_risk_score",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["id", "token_set", "scan_count", "last_scan", "last_risk_score", "created_at", "updated_at"]

    @admin.display(description="Repository token", boolean=True)
    def token_set(self, project: Project) -> bool:
        return project.has_github_token
