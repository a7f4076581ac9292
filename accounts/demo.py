"""The demo account `python manage.py demo` prepares: a password and an authenticator key known in advance."""

from base64 import b32decode
from typing import Any

from django_otp.oath import TOTP

from accounts.models import TOTPDevice, User
from accounts.services.mfa import recovery_codes_regenerate, totp_provisioning_uri
from accounts.services.users import user_register

DEMO_EMAIL = "demo@bastion.local"
DEMO_USERNAME = "demo"
# A local-only demo account: its password and its authenticator key are printed on every start by design.
DEMO_PASSWORD = "Bastion-Demo-2026!"  # noqa: S105 -- a local demo account whose password is printed on purpose
DEMO_TOTP_SECRET = "BASTIONDEMOTOTPSECRETFORLOCALUSE"  # base32, 20 bytes
DEMO_DEVICE_NAME = "Demo authenticator"


def _demo_device(user: User) -> TOTPDevice:
    # Written directly, not through enrollment: only the demo has a key fixed in advance, so that a
    # person can add it to an authenticator app once and keep using it across resets of the database.
    key = b32decode(DEMO_TOTP_SECRET).hex()
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=key, confirmed=True)
    if device.key != key or not device.confirmed:
        device.key, device.confirmed = key, True
        device.save(update_fields=["key", "confirmed"])
    return device


def _code_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, 0, device.digits, 0)
    return f"{totp.token():0{device.digits}d}"


def demo_seed(*, seeded: dict[str, Any]) -> list[str]:
    """The demo account with an authenticator app and fresh recovery codes, as `seeded["user"]`; the lines
    that tell how to sign in."""
    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None:
        user = user_register(email=DEMO_EMAIL, username=DEMO_USERNAME, full_name="Demo User", password=DEMO_PASSWORD)
    else:
        # Keep the printed credentials true even if someone changed the password.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    device = _demo_device(user)
    # Only digests are stored, so the codes can be printed only when made: new ones on every run.
    codes = recovery_codes_regenerate(user=user, audit=False)
    seeded["user"] = user
    key = " ".join(DEMO_TOTP_SECRET[i : i + 4] for i in range(0, len(DEMO_TOTP_SECRET), 4))
    return [
        "  Bastion demo account",
        f"    email:    {user.email}",
        f"    username: {user.username}",
        f"    password: {DEMO_PASSWORD}",
        "  Second factor: an authenticator app (TOTP, 6 digits, every 30 s). Add this key to your app:",
        f"    key:      {key}",
        f"    or URI:   {totp_provisioning_uri(device=device)}",
        f"    code now: {_code_now(device)}  (it changes every 30 s, and each code is accepted once)",
        "  Recovery codes, one sign-in each (new ones on every run; earlier ones stop working):",
        *(f"    {codes[i]}   {codes[i + 1]}" for i in range(0, len(codes), 2)),
        f"  Sign in: {seeded['server_url']}/login/ with the email and password, then the code from your app",
        "           (or run `python manage.py demo` again for a fresh code, or use a recovery code).",
    ]
