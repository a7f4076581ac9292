import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, username: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, username: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self.create_user(email, username, password, **fields)

    def get_by_natural_key(self, email: str) -> "User":
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Organization roles live on memberships; `role` is platform-wide."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Platform admin"
        USER = "user", "User"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    username = models.CharField(
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text="150 characters or fewer: letters, digits and @/./+/-/_ only.",
    )
    full_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.USER)
    is_verified = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Logging in is case-insensitive, so uniqueness must be too.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.username


class AuditEvent(models.Model):
    """One security or organization event. Append-only: written once by `audit_event_record`, never changed."""

    class Action(models.TextChoices):
        LOGIN_SUCCEEDED = "login.succeeded", "Signed in"
        LOGIN_FAILED = "login.failed", "Sign-in failed"
        LOGIN_MFA_FAILED = "login.mfa_failed", "Second factor refused"
        LOGOUT = "logout", "Signed out"
        REGISTERED = "account.registered", "Account created"
        MFA_DEVICE_ADDED = "mfa.device_added", "Second factor added"
        MFA_DEVICE_REMOVED = "mfa.device_removed", "Second factor removed"
        RECOVERY_CODE_USED = "mfa.recovery_code_used", "Recovery code used"
        RECOVERY_CODES_REGENERATED = "mfa.recovery_codes_regenerated", "Recovery codes regenerated"
        PASSWORD_CHANGED = "password.changed", "Password changed"
        PASSWORD_RESET_REQUESTED = "password.reset_requested", "Password reset requested"
        PASSWORD_RESET = "password.reset", "Password reset"
        TOKENS_REVOKED = "tokens.revoked", "Sessions revoked"
        TOKEN_REUSE_DETECTED = "tokens.reuse_detected", "Spent refresh token presented again"
        SSO_LINKED = "sso.linked", "Single sign-on account linked"
        SSO_LOGIN = "sso.login", "Signed in with single sign-on"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events")
    action = models.CharField(max_length=64, choices=Action.choices, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Audit events are append-only.")
