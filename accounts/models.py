import hashlib
import hmac
import secrets
import time
import unicodedata
import uuid
from binascii import unhexlify
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from core.encryption import EncryptedTextField


def identifier_canonical(value: str) -> str:
    """The one comparison key for an email or username: NFKC and casefold, so that every spelling that
    names an account (`ſ`, full-width letters, case) gives the same key to the lookup and to the limiter."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value.strip()).casefold())


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def by_identifier(self, identifier: str) -> "User | None":
        """The account whose email or username is `identifier`; an email match wins over a username."""
        key = identifier_canonical(identifier)
        matches = list(self.filter(Q(email_key=key) | Q(username_key=key))[:2])
        return next((user for user in matches if user.email_key == key), matches[0] if matches else None)

    def create_user(self, email: str, username: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, username: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, username, password, **fields)

    def get_by_natural_key(self, email: str) -> "User":
        return self.get(email_key=identifier_canonical(email))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. What they may do in an organization is their membership's role."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    username = models.CharField(
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text="150 characters or fewer: letters, digits and @/./+/-/_ only.",
    )
    # identifier_canonical() of each, set on save: every lookup and uniqueness check matches these exactly.
    # Longer than the fields: casefolding can lengthen a string (ß -> ss).
    email_key = models.CharField(max_length=400, unique=True, editable=False)
    username_key = models.CharField(max_length=400, unique=True, editable=False)
    full_name = models.CharField(max_length=200, blank=True)
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email_key = identifier_canonical(self.email)
        self.username_key = identifier_canonical(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "email_key", "username_key"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.username


# --- Second factors ------------------------------------------------------------------------------
# django-otp devices whose secrets are never readable from the database: TOTP keys and phone numbers
# are encrypted (the server needs them back), one-time codes and recovery codes are stored as digests.


class MFAMethod(models.TextChoices):
    """Every way of proving the second factor: the `method` values of the API, the pages and the audit log."""

    TOTP = "totp", "Authenticator app"
    EMAIL = "email", "Email code"
    SMS = "sms", "Text message (SMS)"
    WEBAUTHN = "webauthn", "Passkey"
    RECOVERY_CODE = "recovery_code", "Recovery code"


def code_digest(code: str) -> str:
    """Keyed digest of a one-time code: a leaked table gives no codes, and guessing offline needs the key."""
    normalized = code.replace("-", "").replace(" ", "").lower()
    return hmac.new(settings.SECRET_KEY.encode(), normalized.encode(), hashlib.sha256).hexdigest()


def lock_for_spend(device: Device) -> None:
    """Re-read a device under a row lock, inside the caller's transaction.

    A code is spent by a read (is it valid, is it newer than `last_t`, how many failures) and a write;
    without the lock, parallel requests carrying one code all read the unspent state and all succeed,
    and their failure counts overwrite each other. The second request waits here and sees the first's spend.
    """
    device.refresh_from_db(from_queryset=type(device).objects.select_for_update())


class TOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (RFC 6238), verified with django-otp's TOTP; a code is accepted once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = EncryptedTextField(help_text="Hex-encoded secret, encrypted at rest.")
    step = models.PositiveSmallIntegerField(default=30)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1, help_text="Time step of the last accepted code; older ones are spent.")

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def _totp(self) -> TOTP:
        totp = TOTP(self.bin_key, self.step, 0, self.digits, self.drift)
        totp.time = time.time()
        return totp

    def verify_token(self, token: Any) -> bool:
        with transaction.atomic():
            lock_for_spend(self)
            return self._verify_locked(token)

    def _verify_locked(self, token: Any) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed or not str(token).isdigit():
            self.throttle_increment()
            return False
        totp = self._totp()
        # Only time steps after the last accepted one: a code seen once cannot be replayed.
        if totp.verify(int(token), self.tolerance, self.last_t + 1):
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self) -> int:
        return 1


class CodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A device that is sent a short-lived code (email, SMS); only its digest is stored."""

    CODE_DIGITS = 6
    VALID_SECONDS = 600

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code_digest = models.CharField(max_length=64, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        abstract = True

    def deliver(self, code: str) -> None:
        raise NotImplementedError

    def generate_challenge(self) -> str:
        code = "".join(secrets.choice("0123456789") for _ in range(self.CODE_DIGITS))
        self.code_digest = code_digest(code)
        self.valid_until = timezone.now() + timedelta(seconds=self.VALID_SECONDS)
        self.save(update_fields=["code_digest", "valid_until"])
        self.deliver(code)
        return "sent"

    def verify_token(self, token: Any) -> bool:
        with transaction.atomic():
            lock_for_spend(self)
            return self._verify_locked(token)

    def _verify_locked(self, token: Any) -> bool:
        allowed, _ = self.verify_is_allowed()
        fresh = self.valid_until is not None and timezone.now() < self.valid_until
        if allowed and fresh and self.code_digest and hmac.compare_digest(self.code_digest, code_digest(str(token))):
            # Single use: the code is gone once accepted.
            self.code_digest, self.valid_until = "", None
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self) -> int:
        return 1


class EmailDevice(CodeDevice):
    class Meta(CodeDevice.Meta):
        verbose_name = "email code"

    def deliver(self, code: str) -> None:
        from accounts.notifications import mfa_code_email_send

        mfa_code_email_send(user=self.user, code=code)


class SMSDevice(CodeDevice):
    phone = EncryptedTextField(help_text="E.164 number, encrypted at rest.")

    class Meta(CodeDevice.Meta):
        verbose_name = "SMS code"

    def deliver(self, code: str) -> None:
        from accounts.sms import sms_send

        sms_send(to=self.phone, body=f"Your Bastion code is {code}. It expires in 10 minutes.")


class RecoveryCodeDevice(Device):
    """The set of one-time recovery codes; one per user, regenerated as a whole."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def verify_token(self, token: Any) -> bool:
        code = self.codes.filter(digest=code_digest(str(token)), used_at__isnull=True).first()
        if code is None:
            return False
        # Counted in SQL so two requests racing with the same code cannot both succeed.
        return RecoveryCode.objects.filter(pk=code.pk, used_at__isnull=True).update(used_at=timezone.now()) == 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code ({'used' if self.used_at else 'unused'})"


class MFAChallenge(models.Model):
    """A short-lived token standing for a half-finished sign-in: enrolling a first factor, or proving one."""

    class Purpose(models.TextChoices):
        ENROLL = "enroll", "Enroll a second factor"
        LOGIN = "login", "Prove a second factor"

    MAX_ATTEMPTS = 5

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mfa_challenges")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    state = models.JSONField(default=dict, blank=True, help_text="Flow state, e.g. a passkey challenge; no secrets.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"{self.purpose} challenge for {self.user_id}"


class PasswordResetToken(models.Model):
    """A single-use password reset link. The emailed token is `<id>.<secret>`; only the secret's SHA-256 is kept."""

    MAX_FAILED_ATTEMPTS = 5

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_reset_tokens")
    digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"password reset for {self.user_id} ({self.created_at:%Y-%m-%d %H:%M})"

    def is_usable(self) -> bool:
        return (
            self.used_at is None
            and self.failed_attempts < self.MAX_FAILED_ATTEMPTS
            and timezone.now() < self.expires_at
            and self.user.is_active
        )
