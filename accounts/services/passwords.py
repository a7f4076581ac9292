"""Password writes: a reset through an emailed single-use token, and a change by a signed-in user.

Both end in `_password_set`, which also revokes every refresh token and records the audit trail.
"""

import hashlib
import hmac
import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from accounts.exceptions import WeakPassword
from accounts.models import AuditEvent, PasswordResetToken, User
from accounts.services.audit import audit_event_record, request_client_ip
from accounts.services.tokens import user_tokens_revoke
from accounts.services.users import password_check
from accounts.tokens import AccessToken
from config.api.exceptions import BastionError, RateLimitExceeded, ValidationFailed

RESET_TOKEN_LIFETIME = timedelta(hours=1)
# Per address typed and per client: enough for a lost email, too few to flood someone's inbox.
RESET_REQUEST_RATES = {"address": "5/h", "ip": "20/h"}
# `<uuid>.<secrets.token_urlsafe(32)>`; anything else is refused before the database is asked.
_TOKEN_FORMAT = re.compile(r"^([0-9a-fA-F-]{32,36})\.([A-Za-z0-9_-]{20,100})$")


class PasswordResetInvalid(BastionError):
    # One message for unknown, wrong, expired, used and exhausted tokens: no hint which.
    status_code = 400
    error_code = "INVALID_RESET_TOKEN"
    default_detail = "This reset link is invalid or has expired."


class WrongPassword(BastionError):
    # Not `InvalidCredentials` (401): the caller is signed in, and a 401 tells a client its session is gone.
    status_code = 400
    error_code = "INVALID_CREDENTIALS"
    default_detail = "The current password is wrong."


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_password_check(*, password: str, user: User) -> None:
    try:
        password_check(password=password, user=user)
    except WeakPassword as error:
        # Reported under the field the client sent.
        raise WeakPassword(errors={"new_password": (error.errors or {}).get("password", [])}) from None


def _reset_request_rate_check(*, request: HttpRequest, email: str) -> None:
    by_address = is_ratelimited(
        request, group="password-reset-address", key=lambda group, req: email, rate=RESET_REQUEST_RATES["address"]
    )
    by_ip = is_ratelimited(request, group="password-reset-ip", key="ip", rate=RESET_REQUEST_RATES["ip"])
    if by_address or by_ip:
        error = RateLimitExceeded("Too many reset requests: wait a while and try again.")
        error.wait = 3600
        raise error


def password_reset_request(*, email: str, request: HttpRequest) -> None:
    """Start a reset for whoever owns `email`; the task finds the account, issues the token and emails it.

    The request never looks the address up, so its answer and its duration are the same whether an
    account exists, is inactive or not, and the token's secret never passes through the broker.
    """
    from accounts.tasks import password_reset_send_task  # The tasks module imports this one.

    email = email.strip().lower()
    _reset_request_rate_check(request=request, email=email)
    # Chosen here so a redelivered task (acks_late) finds its token already issued and sends nothing twice.
    arguments = {
        "token_id": str(uuid.uuid4()),
        "email": email,
        "link_base": request.build_absolute_uri(reverse("password-reset")),
        "api_url": request.build_absolute_uri(reverse("auth-reset-password")),
        "ip_address": request_client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }
    transaction.on_commit(lambda: password_reset_send_task.delay(**arguments))


def password_reset_token_issue(*, user: User, token_id: str | None = None) -> str:
    """Issue a reset token (`<id>.<secret>`) and retire the user's earlier ones: only the latest link works."""
    now = timezone.now()
    PasswordResetToken.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    secret = uuid.uuid4().hex if False else _token_secret()
    token = PasswordResetToken(
        id=token_id or uuid.uuid4(), user=user, digest=_digest(secret), expires_at=now + RESET_TOKEN_LIFETIME
    )
    token.full_clean()
    token.save()
    return f"{token.id}.{secret}"
