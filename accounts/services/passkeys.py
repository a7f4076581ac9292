"""Passkeys (WebAuthn) as a second factor.

django-otp-webauthn's `WebAuthnHelper` builds the options and, through py_webauthn, checks every
response (challenge, origin, RP ID, signature, sign count); this module only keeps the ceremony
state and ties it to Bastion's sign-in and enrollment.

Where the state lives: a registration's challenge sits in the cache (Redis in production) under the
user and the challenge itself, for the browser timeout, and is deleted by the first completion that
presents it; the challenge comes back inside the signed `clientDataJSON`, so clients hold no extra
handle and two tabs may register at once. A sign-in's challenge sits in its `MFAChallenge.state`,
locked with the row, so it shares the `mfa_token`'s lifetime, single use and five-attempt limit.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.db import DataError, IntegrityError, transaction
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.settings import app_settings
from webauthn.helpers import base64url_to_bytes, parse_client_data_json, parse_registration_credential_json
from webauthn.helpers.exceptions import WebAuthnException

from accounts.exceptions import (
    MethodNotEnrolled,
    MFACodeInvalid,
    PasskeyAlreadyRegistered,
    PasskeyChallengeInvalid,
    PasskeyInvalid,
)
from accounts.models import MFAChallenge, MFAMethod, User
from accounts.services import mfa, mfa_login

STATE_KEY = "webauthn"
# The authenticator's counter is unsigned 32-bit; the sign_count column is signed 32-bit on PostgreSQL.
SIGN_COUNT_MAX = 2**31 - 1


def _helper() -> WebAuthnHelper:
    # The helper reads the relying party and origins from settings; only callable settings would need a
    # request, and none is configured.
    return WebAuthnCredential.get_webauthn_helper(request=None)


@contextmanager
def _client_response_checked() -> Iterator[None]:
    """Turn a refused or malformed authenticator response into `PasskeyInvalid`.

    py_webauthn wraps most malformed input in WebAuthnException, but some paths (a userHandle that is
    not base64url, a COSE key of the wrong shape) let ValueError, TypeError or KeyError through; the
    only input here is the client's, so each means a bad response, not a server fault. A sign count
    beyond the column's range fails on PostgreSQL as DataError. The savepoint rolls back whatever the
    helper saved before the refusal and keeps the enclosing transaction usable.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        # credential_id_sha256 is unique: the same authenticator credential is already on an account.
        raise PasskeyAlreadyRegistered() from None
    except (WebAuthnException, OTPWebAuthnApiError, DataError, ValueError, TypeError, KeyError) as exc:
        raise PasskeyInvalid() from exc


def _sign_count_check(device: WebAuthnCredential) -> None:
    # PostgreSQL refuses such a count itself (DataError); SQLite would store it, so refuse it everywhere.
    if device.sign_count > SIGN_COUNT_MAX:
        raise PasskeyInvalid()


def _register_key(*, user: User, challenge: bytes) -> str:
    return f"passkeys:register:{user.pk}:{hashlib.sha256(challenge).hexdigest()}"


def passkey_register_begin(*, user: User) -> dict[str, Any]:
    """PublicKeyCredentialCreationOptions (JSON form) for a new passkey of `user`."""
    options, state = _helper().register_begin(user=user)
    key = _register_key(user=user, challenge=base64url_to_bytes(options["challenge"]))
    cache.set(key, state, timeout=app_settings.OTP_WEBAUTHN_TIMEOUT_SECONDS)
    return options


def passkey_register_complete(
    *,
    user: User,
    credential: dict[str, Any],
    name: str,
    enrollment_token: str = "",
    issue_tokens: bool = False,
) -> mfa.Enrollment:
    """Verify and store the new passkey, then count it like any factor (`mfa.mfa_device_activate`)."""
    with _client_response_checked():
        client_data = parse_client_data_json(parse_registration_credential_json(credential).response.client_data_json)
    key = _register_key(user=user, challenge=client_data.challenge)
    state = cache.get(key)
    # Only one caller's delete succeeds, so racing completions cannot both spend the same challenge.
    if state is None or not cache.delete(key):
        raise PasskeyChallengeInvalid()
    with transaction.atomic():
        with _client_response_checked():
            device = _helper().register_complete(user=user, state=state, data=credential)
            _sign_count_check(device)
        device.name = name
        device.save(update_fields=["name"])
        return mfa.mfa_device_activate(device=device, enrollment_token=enrollment_token, issue_tokens=issue_tokens)


def passkey_authenticate_begin(*, token: str) -> dict[str, Any]:
    """PublicKeyCredentialRequestOptions for a sign-in step; a new call replaces the previous challenge."""
    with transaction.atomic():
        challenge = mfa.mfa_challenge_get(token=token, purpose=MFAChallenge.Purpose.LOGIN, for_update=True)
        if not WebAuthnCredential.objects.filter(user=challenge.user, confirmed=True).exists():
            raise MethodNotEnrolled(errors={"mfa_token": ["This account has no passkey."]})
        # User verification is not required: the password was the first factor, possession is the second,
        # and requiring it would shut out security keys without a PIN.
        options, state = _helper().authenticate_begin(user=challenge.user, require_user_verification=False)
        challenge.state = {**challenge.state, STATE_KEY: state}
        challenge.save(update_fields=["state"])
    return options


def passkey_authenticate_complete(*, token: str, credential: dict[str, Any]) -> User:
    """Prove the sign-in with a passkey. A refused response counts against the `mfa_token` like a wrong code."""
    with transaction.atomic():
        challenge = mfa.mfa_challenge_get(token=token, purpose=MFAChallenge.Purpose.LOGIN, for_update=True)
        state = challenge.state.get(STATE_KEY)
        if not state:
            raise PasskeyChallengeInvalid()
        # Spent whatever the outcome: a challenge is signed once.
        challenge.state = {k: v for k, v in challenge.state.items() if k != STATE_KEY}
        challenge.save(update_fields=["state"])
        # The sign counter is read, compared and written back by the helper: lock the user's passkeys so
        # two sign-ins at once (a cloned authenticator) compare against each other's count, not a stale one.
        list(WebAuthnCredential.objects.select_for_update().filter(user=challenge.user))
        try:
            with _client_response_checked():
                _sign_count_check(_helper().authenticate_complete(user=challenge.user, state=state, data=credential))
        except PasskeyInvalid:
            mfa_login.mfa_login_fail(challenge=challenge)
            proven = False
        else:
            mfa_login.mfa_login_succeed(challenge=challenge, method=MFAMethod.WEBAUTHN)
            proven = True
    if not proven:
        try:
            mfa_login.mfa_login_fail_raise(challenge=challenge)
        except MFACodeInvalid:
            raise MFACodeInvalid("The passkey was not accepted: try again, or use another method.") from None
    return challenge.user
