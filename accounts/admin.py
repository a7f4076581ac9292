from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import PasswordResetToken, User
from accounts.services.tokens import user_deactivate, user_tokens_revoke


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "username")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ["-created_at"]
    list_display = ["email", "username", "full_name", "is_active", "is_verified", "is_staff", "created_at"]
    list_filter = ["is_active", "is_verified", "is_staff", "created_at"]
    search_fields = ["email", "username", "full_name"]
    readonly_fields = ["id", "created_at", "last_login"]
    actions = ["activate_users", "deactivate_users"]
    fieldsets = [
        (None, {"fields": ["id", "email", "username", "password"]}),
        ("Profile", {"fields": ["full_name", "is_verified"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "created_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "username", "usable_password", "password1", "password2"]})
    ]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Unticking "active" ends the account's logins at once, as the deactivate action does.
        if change and "is_active" in form.changed_data and not obj.is_active:
            user_tokens_revoke(user=obj)

    @admin.action(description="Activate selected users")
    def activate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.update(is_active=True)
        self.message_user(request, f"Activated {count} user(s).", messages.SUCCESS)

    @admin.action(description="Deactivate selected users")
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset.exclude(pk=request.user.pk).filter(is_active=True))
        for user in users:
            user_deactivate(user=user)
        count = len(users)
        self.message_user(
            request, f"Deactivated {count} user(s); your own account is never included.", messages.SUCCESS
        )


@admin.register(PasswordResetToken)
class PasswordResetTokenAdmin(admin.ModelAdmin):
    """Read-only: operators see who asked for a reset and what became of it, never a usable token."""

    list_display = ["user", "created_at", "expires_at", "used_at", "failed_attempts"]
    list_filter = ["created_at", "used_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["id", "user", "created_at", "expires_at", "used_at", "failed_attempts"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PasswordResetToken | None = None) -> bool:
        return False
