"""The second sign-in step: proving a factor after a correct password.

No path issues tokens on a password alone: `mfa_login_start` answers a correct password with a
single-use `mfa_token` (or, for an account with no factor yet, an `enrollment_token`), and only
`mfa_login_verify` (or a passkey, `accounts.services.passkeys`) turns that into a signed-in user.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from accounts.exceptions import MethodNotEnrolled, MFACodeInvalid, MFARequired
from accounts.models import MFAChallenge, MFAMethod, RecoveryCode, RecoveryCodeDevice, User
from accounts.notifications import security_notice_email_send
from accounts.services.mfa import (
    DEVICE_MODELS,
    LOGIN_LIFETIME,
    CodeSent,
    device_code_send,
    device_method,
    mfa_challenge_get,
    mfa_challenge_issue,
    mfa_challenge_spend,
    user_devices,
    user_mfa_methods,
)
from audit.models import AuditEvent
from audit.services import audit_event_record
from core.exceptions import RateLimitExceeded

CODE_SENDS_PER_CHALLENGE = 3


@dataclass(frozen=True)
class MFAStep:
    """A sign-in waiting for its second factor: the single-use `mfa_token` and the methods that can prove it."""

    mfa_token: str
    methods: list[MFAMethod]
    expires_in: int


def mfa_login_start(*, user: User) -> MFAStep:
    """The answer to a correct password: a second-step token, or the demand to enroll a factor first."""
    methods = user_mfa_methods(user=user)
    if not [method for method in methods if method != MFAMethod.RECOVERY_CODE]:
        token = mfa_challenge_issue(user=user, purpose=MFAChallenge.Purpose.ENROLL)
        raise MFARequired(extra={"enrollment_token": token})
    token = mfa_challenge_issue(user=user, purpose=MFAChallenge.Purpose.LOGIN)
    return MFAStep(mfa_token=token, methods=methods, expires_in=int(LOGIN_LIFETIME.total_seconds()))


def mfa_login_code_send(*, token: str, method: str) -> CodeSent:
    """Send a code by email or SMS for a sign-in in progress (a few times per sign-in at most)."""
    with transaction.atomic():
        challenge = mfa_challenge_get(token=token, purpose=MFAChallenge.Purpose.LOGIN, for_update=True)
        sends = challenge.state.get("code_sends", 0)
        if sends >= CODE_SENDS_PER_CHALLENGE:
            raise RateLimitExceeded("Enough codes were sent for this sign-in: use one, or sign in again.")
        challenge.state = {**challenge.state, "code_sends": sends + 1}
        challenge.save(update_fields=["state"])
    device = DEVICE_MODELS[method].objects.filter(user=challenge.user, confirmed=True).first()
    if device is None:
        raise MethodNotEnrolled(errors={"method": [f"This account has no {method} second factor."]})
    return device_code_send(device=device)


def _code_matches(*, user: User, code: str, method: str | None) -> MFAMethod | None:
    for device in user_devices(user=user):
        if (method is None or device_method(device) == method) and device.verify_token(code):
            return device_method(device)
    return None


def mfa_login_fail(*, challenge: MFAChallenge) -> None:
    """Count a wrong second factor against the sign-in; call inside the transaction that locked it."""
    MFAChallenge.objects.filter(pk=challenge.pk).update(failed_attempts=F("failed_attempts") + 1)
    audit_event_record(action=AuditEvent.Action.LOGIN_MFA_FAILED, user=challenge.user)


def mfa_login_fail_raise(*, challenge: MFAChallenge) -> None:
    """The error for a wrong factor, raised after the transaction so the failed attempt stays counted."""
    if challenge.failed_attempts + 1 >= MFAChallenge.MAX_ATTEMPTS:
        raise RateLimitExceeded("Too many wrong codes for this sign-in: sign in again with your password.")
    raise MFACodeInvalid()


def mfa_login_succeed(*, challenge: MFAChallenge, method: str) -> User:
    """Spend the sign-in token after a proven factor; the caller then issues tokens or a session."""
    mfa_challenge_spend(challenge)
    audit_event_record(action=AuditEvent.Action.LOGIN_SUCCEEDED, user=challenge.user, data={"method": method})
    return challenge.user


def mfa_login_verify(
    *,
    token: str,
    code: str = "",
    recovery_code: str = "",
    method: str | None = None,
) -> User:
    """Prove a code or recovery code for a sign-in. Wrong codes count against the token."""
    with transaction.atomic():
        challenge = mfa_challenge_get(token=token, purpose=MFAChallenge.Purpose.LOGIN, for_update=True)
        user = challenge.user
        if recovery_code:
            device = RecoveryCodeDevice.objects.filter(user=user).first()
            used = MFAMethod.RECOVERY_CODE if device is not None and device.verify_token(recovery_code) else None
        else:
            used = _code_matches(user=user, code=code, method=method)
        if used is None:
            mfa_login_fail(challenge=challenge)
        else:
            mfa_login_succeed(challenge=challenge, method=used)
            if used == MFAMethod.RECOVERY_CODE:
                audit_event_record(action=AuditEvent.Action.RECOVERY_CODE_USED, user=user)
    if used is None:
        mfa_login_fail_raise(challenge=challenge)
    if used == MFAMethod.RECOVERY_CODE:
        remaining = RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()
        security_notice_email_send(
            user=user,
            subject="a recovery code was used",
            message=f"A recovery code was just used to sign in to your Bastion account. {remaining} remain.",
        )
    return user
