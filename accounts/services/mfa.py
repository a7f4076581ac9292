"""Second factors: enrolling them, proving one at sign-in, managing devices and recovery codes.

No path issues tokens on a password alone: `mfa_login_start` answers a correct password with a
single-use `mfa_token` (or, for an account with no factor yet, an `enrollment_token`), and only
`mfa_login_verify` turns that into a signed-in user.
"""

import re
import secrets
from base64 import b32encode
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.models import Device
from django_otp_webauthn.models import WebAuthnCredential

from accounts.exceptions import (
    EnrollmentNotPending,
    LastDeviceError,
    MethodNotEnrolled,
    MFAChallengeInvalid,
    MFACodeInvalid,
    MFARequired,
)
from accounts.models import (
    AuditEvent,
    EmailDevice,
    MFAChallenge,
    MFAMethod,
    RecoveryCode,
    RecoveryCodeDevice,
    SMSDevice,
    TOTPDevice,
    User,
    code_digest,
)
from accounts.notifications import security_notice_email_send
from accounts.ratelimits import client_address, rate_counted
from accounts.services.audit import audit_event_record
from accounts.services.tokens import TokenPair, token_pair_issue
from core.encryption import secret_digest
from core.exceptions import RateLimitExceeded, ResourceNotFound, ValidationFailed

ENROLL_LIFETIME = timedelta(minutes=30)
LOGIN_LIFETIME = timedelta(minutes=5)
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read off paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}\Z")
CODE_SENDS_PER_CHALLENGE = 3
CODE_SEND_RATE = "5/h"

# The factors enrolled by proving a code from them.
DEVICE_MODELS: dict[MFAMethod, type[Device]] = {
    MFAMethod.TOTP: TOTPDevice,
    MFAMethod.EMAIL: EmailDevice,
    MFAMethod.SMS: SMSDevice,
}
# Every factor a user can hold: the ones enrolled with a code, plus passkeys (accounts.services.passkeys).
FACTOR_MODELS: dict[MFAMethod, type[Device]] = {**DEVICE_MODELS, MFAMethod.WEBAUTHN: WebAuthnCredential}
# The factors that are sent a code on request; an authenticator app shows its own.
CODE_METHODS = (MFAMethod.EMAIL, MFAMethod.SMS)


# --- Challenges (enrollment_token, mfa_token) -----------------------------------------------------


def mfa_challenge_issue(*, user: User, purpose: str) -> str:
    token = secrets.token_urlsafe(32)
    lifetime = ENROLL_LIFETIME if purpose == MFAChallenge.Purpose.ENROLL else LOGIN_LIFETIME
    MFAChallenge.objects.create(
        user=user, purpose=purpose, digest=secret_digest(token), expires_at=timezone.now() + lifetime
    )
    return token


def mfa_challenge_get(*, token: str, purpose: str, for_update: bool = False) -> MFAChallenge:
    """The live challenge a token stands for. Unknown, expired, used and exhausted look the same."""
    challenges = MFAChallenge.objects.select_related("user").filter(digest=secret_digest(token), purpose=purpose)
    challenge = (challenges.select_for_update(of=("self",)) if for_update else challenges).first()
    if challenge is None or challenge.used_at or challenge.expires_at <= timezone.now() or not challenge.user.is_active:
        raise MFAChallengeInvalid()
    if challenge.failed_attempts >= MFAChallenge.MAX_ATTEMPTS:
        raise RateLimitExceeded("Too many wrong codes for this sign-in: sign in again with your password.")
    return challenge


def _challenge_spend(challenge: MFAChallenge) -> None:
    challenge.used_at = timezone.now()
    challenge.save(update_fields=["used_at"])


# --- Devices ----------------------------------------------------------------------------------------


def user_devices(*, user: User) -> list[Device]:
    """Every confirmed second factor of the user (recovery codes are a fallback, not a device)."""
    devices: list[Device] = []
    for model in FACTOR_MODELS.values():
        devices.extend(model.objects.filter(user=user, confirmed=True).order_by("created_at"))
    return devices


def device_method(device: Device) -> MFAMethod:
    return next(method for method, model in FACTOR_MODELS.items() if isinstance(device, model))


def user_mfa_methods(*, user: User) -> list[MFAMethod]:
    methods = list(dict.fromkeys(device_method(device) for device in user_devices(user=user)))
    if RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).exists():
        methods.append(MFAMethod.RECOVERY_CODE)
    return methods


def _mask_email(email: str) -> str:
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


def _mask_phone(phone: str) -> str:
    return f"{phone[:3]}***{phone[-2:]}"


def totp_provisioning_uri(*, device: TOTPDevice) -> str:
    issuer = settings.MFA_ISSUER
    label = f"{quote(issuer)}:{quote(device.user.email)}"
    params = {"secret": b32encode(device.bin_key).decode(), "issuer": issuer, "algorithm": "SHA1"}
    params |= {"digits": device.digits, "period": device.step}
    return f"otpauth://totp/{label}?{urlencode(params)}"


def _code_send_rate_check(*, user: User) -> None:
    """Codes cost money (SMS) and land in someone's inbox: a few an hour per account and per address."""
    keys = {"mfa-code-user": str(user.pk), "mfa-code-ip": client_address()}
    limited = [rate_counted(group=group, value=value, rate=CODE_SEND_RATE) for group, value in keys.items()]
    if any(limited):
        error = RateLimitExceeded("Too many codes were sent: wait an hour, or use an authenticator app.")
        error.wait = 3600
        raise error


@dataclass(frozen=True)
class TOTPSetup:
    """What an authenticator app needs: the otpauth URI, the key in base32 and the URI as an SVG QR code."""

    otpauth_uri: str
    secret: str
    qr_svg: str


@dataclass(frozen=True)
class CodeSent:
    """A code on its way by email or SMS, and where it went (masked)."""

    method: MFAMethod
    sent_to: str


@dataclass(frozen=True)
class PendingDevice:
    """A device waiting for its first code: an app's setup (`totp`), or the code sent (`code_sent`)."""

    method: MFAMethod
    device: Device
    totp: TOTPSetup | None = None
    code_sent: CodeSent | None = None


def totp_setup(*, device: TOTPDevice) -> TOTPSetup:
    uri = totp_provisioning_uri(device=device)
    return TOTPSetup(
        otpauth_uri=uri,
        secret=b32encode(device.bin_key).decode(),
        qr_svg=segno.make(uri, error="m").svg_inline(scale=5, dark="#111827", light="#ffffff"),
    )


@transaction.atomic
def mfa_enroll_begin(*, user: User, method: str, phone: str = "") -> PendingDevice:
    """Create an unconfirmed device; it counts only once `mfa_enroll_confirm` sees a code from it."""
    method = MFAMethod(method)
    model = DEVICE_MODELS[method]
    model.objects.filter(user=user, confirmed=False).delete()
    if method == MFAMethod.TOTP:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", key=secrets.token_hex(20), confirmed=False
        )
        return PendingDevice(method=method, device=device, totp=totp_setup(device=device))
    if method == MFAMethod.SMS and not E164.match(phone):
        raise ValidationFailed(errors={"phone": ["Give the number in international form, e.g. +447700900123."]})
    _code_send_rate_check(user=user)
    if method == MFAMethod.SMS:
        device = SMSDevice.objects.create(user=user, name=f"SMS {_mask_phone(phone)}", phone=phone, confirmed=False)
        sent_to = _mask_phone(phone)
    else:
        device = EmailDevice.objects.create(user=user, name=f"Email {_mask_email(user.email)}", confirmed=False)
        sent_to = _mask_email(user.email)
    device.generate_challenge()
    return PendingDevice(method=method, device=device, code_sent=CodeSent(method=method, sent_to=sent_to))


@dataclass(frozen=True)
class Enrollment:
    """A factor just proven and counted. The first one brings the recovery codes, shown this once.

    Proven with an enrollment token (after register, or a login without a factor), it also completes
    that sign-in (`signed_in`): by the token pair (`tokens`, when asked for) or by the caller's session.
    """

    device: Device
    recovery_codes: list[str] | None
    signed_in: bool
    tokens: TokenPair | None = None


def mfa_enroll_confirm(
    *, user: User, method: str, code: str, enrollment_token: str = "", issue_tokens: bool = False
) -> Enrollment:
    """Activate the pending device with a code from it (see `mfa_device_activate`)."""
    device = DEVICE_MODELS[method].objects.filter(user=user, confirmed=False).order_by("-created_at").first()
    if device is None:
        message = f"No {method} enrollment is pending: start with auth/mfa/enroll."
        raise EnrollmentNotPending(errors={"method": [message]})
    if not device.verify_token(code):
        raise MFACodeInvalid()
    return mfa_device_activate(device=device, enrollment_token=enrollment_token, issue_tokens=issue_tokens)


@transaction.atomic
def mfa_device_activate(*, device: Device, enrollment_token: str = "", issue_tokens: bool = False) -> Enrollment:
    """Count a proven device as a factor (code-based or passkey). The first one brings the recovery codes.

    With an `enrollment_token` (no factor proven yet) the device may only be the account's first
    factor, and the token is spent with it: the sign-in is complete, and with `issue_tokens` its token
    pair is issued in the same transaction. The user's row is locked first, so two enrollment tokens
    confirming at once cannot both add a "first" factor.
    """
    User.objects.select_for_update().filter(pk=device.user_id).first()
    if enrollment_token:
        challenge = mfa_challenge_get(token=enrollment_token, purpose=MFAChallenge.Purpose.ENROLL, for_update=True)
        if _has_factor(user=device.user, besides=device):
            raise MFAChallengeInvalid()
        _challenge_spend(challenge)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    method = device_method(device)
    audit_event_record(action=AuditEvent.Action.MFA_DEVICE_ADDED, user=device.user, data={"method": method})
    codes = None
    if not RecoveryCodeDevice.objects.filter(user=device.user).exists():
        codes = recovery_codes_regenerate(user=device.user, audit=False)
    signed_in = bool(enrollment_token)
    tokens = token_pair_issue(user=device.user) if signed_in and issue_tokens else None
    return Enrollment(device=device, recovery_codes=codes, signed_in=signed_in, tokens=tokens)


def mfa_device_remove(*, user: User, device_id: str) -> None:
    devices = user_devices(user=user)
    # Primary keys are UUIDs except for passkeys (integers), so a text id names one device at most;
    # should two kinds ever share an id format, an ambiguous id removes nothing rather than a guess.
    matches = [d for d in devices if str(d.pk) == str(device_id)]
    if len(matches) != 1:
        raise ResourceNotFound("No such device.")
    device = matches[0]
    if len(devices) == 1:
        raise LastDeviceError()
    device.delete()
    audit_event_record(
        action=AuditEvent.Action.MFA_DEVICE_REMOVED,
        user=user,
        data={"method": device_method(device), "name": device.name},
    )


@transaction.atomic
def recovery_codes_regenerate(*, user: User, audit: bool = True) -> list[str]:
    """Ten new one-time codes; every earlier code stops working at once."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes")
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    codes = [f"{code[:5]}-{code[5:]}" for code in codes]
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, digest=code_digest(code)) for code in codes)
    if audit:
        audit_event_record(action=AuditEvent.Action.RECOVERY_CODES_REGENERATED, user=user)
    return codes


# --- Sign-in ---------------------------------------------------------------------------------------


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
    device.generate_challenge()
    sent_to = _mask_phone(device.phone) if method == MFAMethod.SMS else _mask_email(challenge.user.email)
    return CodeSent(method=MFAMethod(method), sent_to=sent_to)


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
    _challenge_spend(challenge)
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


def _has_factor(*, user: User, besides: Device | None = None) -> bool:
    return any(device != besides for device in user_devices(user=user))


def enrollment_user_get(*, token: str) -> User:
    """The account an enrollment token stands for. Once it has a factor, every enrollment token is dead:
    adding another factor takes a session that has proven one."""
    user = mfa_challenge_get(token=token, purpose=MFAChallenge.Purpose.ENROLL).user
    if _has_factor(user=user):
        raise MFAChallengeInvalid()
    return user
