"""Second factors: the single-use challenges, enrolling devices, managing them and recovery codes.

Proving a factor at sign-in is `accounts.services.mfa_login`; passkeys are `accounts.services.passkeys`.
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
from django.utils import timezone
from django_otp.models import Device
from django_otp_webauthn.models import WebAuthnCredential

from accounts.exceptions import (
    EnrollmentNotPending,
    LastDeviceError,
    MFAChallengeInvalid,
    MFACodeInvalid,
)
from accounts.models import (
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
from accounts.ratelimits import client_address, rate_counted
from accounts.services.tokens import TokenPair, token_pair_issue
from audit.models import AuditEvent
from audit.services import audit_event_record
from core.encryption import secret_digest
from core.exceptions import RateLimitExceeded, ResourceNotFound, ValidationFailed

ENROLL_LIFETIME = timedelta(minutes=30)
LOGIN_LIFETIME = timedelta(minutes=5)
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read off paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}\Z")
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


def mfa_challenge_spend(challenge: MFAChallenge) -> None:
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


def device_code_send(*, device: EmailDevice | SMSDevice) -> CodeSent:
    """Send a fresh code from an email or SMS device, and say where it went."""
    device.generate_challenge()
    if isinstance(device, SMSDevice):
        return CodeSent(method=MFAMethod.SMS, sent_to=_mask_phone(device.phone))
    return CodeSent(method=MFAMethod.EMAIL, sent_to=_mask_email(device.user.email))


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
    else:
        device = EmailDevice.objects.create(user=user, name=f"Email {_mask_email(user.email)}", confirmed=False)
    return PendingDevice(method=method, device=device, code_sent=device_code_send(device=device))


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
        mfa_challenge_spend(challenge)
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


def _has_factor(*, user: User, besides: Device | None = None) -> bool:
    return any(device != besides for device in user_devices(user=user))


def enrollment_user_get(*, token: str) -> User:
    """The account an enrollment token stands for. Once it has a factor, every enrollment token is dead:
    adding another factor takes a session that has proven one."""
    user = mfa_challenge_get(token=token, purpose=MFAChallenge.Purpose.ENROLL).user
    if _has_factor(user=user):
        raise MFAChallengeInvalid()
    return user
