"""Password writes: a reset through an emailed single-use token, and a change by a signed-in user.

Both end in `_password_set`, which also revokes every refresh token and records the audit trail.
"""

import hmac
import re
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import PasswordResetInvalid, WeakPassword, WrongPassword
from accounts.models import PasswordResetToken, User, identifier_canonical
from accounts.ratelimits import client_address, rate_counted
from accounts.services.tokens import user_tokens_revoke
from accounts.services.users import password_check
from accounts.tasks import password_changed_notice_task, password_reset_send_task
from accounts.tokens import AccessToken
from audit.models import AuditEvent
from audit.services import audit_event_record
from core.context import current_client
from core.encryption import secret_digest
from core.exceptions import RateLimitExceeded

RESET_TOKEN_LIFETIME = timedelta(hours=1)
# Per account (however its address is spelled) and per client: enough for a lost email, too few to
# flood someone's inbox.
RESET_REQUEST_RATES = {"account": "5/h", "ip": "20/h"}
# `<uuid>.<secrets.token_urlsafe(32)>`; anything else is refused before the database is asked.
_TOKEN_FORMAT = re.compile(r"^([0-9a-fA-F-]{32,36})\.([A-Za-z0-9_-]{43})$")


def _new_password_check(*, password: str, user: User) -> None:
    try:
        password_check(password=password, user=user)
    except WeakPassword as error:
        # Reported under the field the client sent.
        raise WeakPassword(errors={"new_password": (error.errors or {}).get("password", [])}) from None


def _reset_request_rate_check(*, email: str) -> None:
    # Counted per account, or per canonical address when none has it, so a 429 tells nothing either.
    user = User.objects.filter(email_key=email).only("pk").first()
    account = str(user.pk) if user else email
    by_account = rate_counted(group="password-reset-account", value=account, rate=RESET_REQUEST_RATES["account"])
    by_ip = rate_counted(group="password-reset-ip", value=client_address(), rate=RESET_REQUEST_RATES["ip"])
    if by_account or by_ip:
        error = RateLimitExceeded("Too many reset requests: wait an hour and try again.")
        error.wait = 3600
        raise error


def password_reset_request(*, email: str, link_base: str) -> None:
    """Start a reset for whoever owns `email`: the task finds the account, issues the token and emails it
    with a link under `link_base` (this server's reset page, as the client reached it).

    The request looks the address up only to count against the right account; the task, not the
    request, decides whether to send, so the answer is the same whether the account exists, is inactive
    or not; and the token's secret never passes through the broker.
    """
    email = identifier_canonical(email)
    _reset_request_rate_check(email=email)
    # Chosen now so a redelivered task (acks_late) finds its token already issued and sends nothing twice.
    arguments = {
        "token_id": str(uuid.uuid4()),
        "email": email,
        "link_base": link_base,
        "client": current_client().as_data(),
    }
    # Robust: a broker or mail failure is logged, never turned into an answer that differs for real accounts.
    transaction.on_commit(lambda: password_reset_send_task.delay(**arguments), robust=True)


def _reset_tokens_retire(*, user: User, now: datetime) -> None:
    PasswordResetToken.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)


def password_reset_token_issue(*, user: User, token_id: str) -> str:
    """Issue a reset token (`<id>.<secret>`), retiring the user's earlier ones: only the latest link works."""
    now = timezone.now()
    _reset_tokens_retire(user=user, now=now)
    secret = secrets.token_urlsafe(32)
    token = PasswordResetToken(
        id=token_id, user=user, digest=secret_digest(secret), expires_at=now + RESET_TOKEN_LIFETIME
    )
    token.full_clean()
    token.save()
    return f"{token.id}.{secret}"


def password_reset_send(*, token_id: str, email: str, link_base: str) -> None:
    """Email a reset link to the active account with this address; do nothing for any other address.
    The audit event records the current client: the task runs as the request that asked."""
    user = User.objects.filter(email_key=identifier_canonical(email), is_active=True).first()
    if user is None or PasswordResetToken.objects.filter(pk=token_id).exists():
        return
    with transaction.atomic():
        token = password_reset_token_issue(user=user, token_id=token_id)
        audit_event_record(action=AuditEvent.Action.PASSWORD_RESET_REQUESTED, user=user)
    context = {
        "user": user,
        "token": token,
        "reset_url": f"{link_base}{token}/",
        "api_path": reverse("auth-reset-password"),
        "lifetime_minutes": int(RESET_TOKEN_LIFETIME.total_seconds() // 60),
    }
    send_mail(
        subject="Reset your Bastion password",
        message=render_to_string("accounts/email/password_reset.txt", context),
        html_message=render_to_string("accounts/email/password_reset.html", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def _token_verified(raw: str) -> PasswordResetToken | None:
    """The live token `raw` names, locked until the transaction ends, or None. A wrong secret costs it a try."""
    match = _TOKEN_FORMAT.match(raw)
    if match is None:
        return None
    try:
        token_id = uuid.UUID(match[1])
    except ValueError:
        return None
    tokens = PasswordResetToken.objects.select_for_update(of=("self",)).select_related("user")
    token = tokens.filter(pk=token_id).first()
    if token is None or not token.is_usable():
        return None
    if not hmac.compare_digest(token.digest, secret_digest(match[2])):
        # Counted in SQL: requests guessing in parallel cannot overwrite each other's count.
        PasswordResetToken.objects.filter(pk=token.pk).update(failed_attempts=F("failed_attempts") + 1)
        return None
    return token


def password_reset_token_check(*, token: str) -> None:
    """Raise `PasswordResetInvalid` unless `token` is live. A wrong secret costs a try, as when resetting."""
    with transaction.atomic():
        live = _token_verified(token)
    # Raised outside the transaction so a counted failure is kept.
    if live is None:
        raise PasswordResetInvalid()


def password_reset_confirm(*, token: str, new_password: str) -> User:
    """Set a new password with a reset token, once. A weak password leaves the token usable."""
    with transaction.atomic():
        live = _token_verified(token)
        if live is not None:
            _new_password_check(password=new_password, user=live.user)
            live.used_at = timezone.now()
            live.save(update_fields=["used_at"])
            _password_set(user=live.user, password=new_password, action=AuditEvent.Action.PASSWORD_RESET)
            return live.user
    # Raised outside the transaction so a counted failure is kept.
    raise PasswordResetInvalid()


def password_change(
    *,
    user: User,
    old_password: str,
    new_password: str,
    access_token: AccessToken | None = None,
) -> None:
    """Change a signed-in user's password; every refresh token and the access token in hand stop working."""
    if not user.check_password(old_password):
        raise WrongPassword()
    if new_password == old_password:
        raise WeakPassword(errors={"new_password": ["Choose a password different from the current one."]})
    _new_password_check(password=new_password, user=user)
    with transaction.atomic():
        if access_token is not None:
            access_token.blacklist()
        _password_set(user=user, password=new_password, action=AuditEvent.Action.PASSWORD_CHANGED)


def _password_set(*, user: User, password: str, action: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    # Reset links asked for before the change are for the old password.
    _reset_tokens_retire(user=user, now=timezone.now())
    revoked = user_tokens_revoke(user=user)
    audit_event_record(action=action, user=user)
    audit_event_record(action=AuditEvent.Action.TOKENS_REVOKED, user=user, data={"reason": action, "count": revoked})
    # Robust: the password has changed by then; a failing notice is logged, not reported as a failed change.
    transaction.on_commit(lambda: password_changed_notice_task.delay(user_id=str(user.pk), action=action), robust=True)


def password_changed_notice_send(*, user_id: str, action: str) -> None:
    """Tell the account's owner their password changed, so a change they did not make does not go unseen."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    context = {"user": user, "reset": action == AuditEvent.Action.PASSWORD_RESET}
    send_mail(
        subject="Your Bastion password was changed",
        message=render_to_string("accounts/email/password_changed.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
