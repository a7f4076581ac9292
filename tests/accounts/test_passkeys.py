"""Passkeys as a second factor, through the real endpoints and py_webauthn's real verification."""

import copy
import json
import random
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential
from rest_framework.test import APIClient

from accounts.models import MFAChallenge
from accounts.services import mfa
from accounts.services.tokens import token_pair_issue
from audit.models import AuditEvent
from core.encryption import secret_digest
from core.exceptions import ResourceNotFound
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.accounts.mfa import enrolled_user
from tests.accounts.soft_authenticator import SoftAuthenticator, b64url, b64url_decode
from tests.organizations.factories import api_key_with_secret

ORIGIN = "http://localhost:8000"
REGISTER_BEGIN = reverse("auth-webauthn-register-begin")
REGISTER_COMPLETE = reverse("auth-webauthn-register-complete")
AUTH_BEGIN = reverse("auth-webauthn-authenticate-begin")
AUTH_COMPLETE = reverse("auth-webauthn-authenticate-complete")
DEVICES = reverse("auth-mfa-devices")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def _post(client: APIClient, url: str, body: object):
    return client.post(url, body, format="json")


def _bearer(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=user).access_token}")
    return client


def _register(client: APIClient, authenticator: SoftAuthenticator, **extra):
    begin = _post(client, REGISTER_BEGIN, extra)
    assert begin.status_code == 200, begin.json()
    credential = authenticator.create(begin.json()["options"], ORIGIN)
    return _post(client, REGISTER_COMPLETE, {"credential": credential, **extra})


def _login_token(user) -> str:
    # From the service, not auth/login: that endpoint takes five passwords a minute per account.
    return mfa.mfa_challenge_issue(user=user, purpose=MFAChallenge.Purpose.LOGIN)


def _options(token: str) -> dict:
    begin = _post(APIClient(), AUTH_BEGIN, {"mfa_token": token})
    assert begin.status_code == 200, begin.json()
    return begin.json()["options"]


def _challenge(token: str) -> MFAChallenge:
    return MFAChallenge.objects.get(digest=secret_digest(token))


def _refused_once(response, token: str) -> None:
    assert response.status_code == 401, response.json()
    assert response.json()["error_code"] == "INVALID_MFA_CODE"
    assert _challenge(token).failed_attempts == 1


@pytest.fixture
def passkey(auth_client) -> SoftAuthenticator:
    """`user` (enrolled with an authenticator app) has also registered this passkey."""
    authenticator = SoftAuthenticator()
    response = _register(auth_client, authenticator)
    assert response.status_code == 200, response.json()
    return authenticator


# --- Registering ----------------------------------------------------------------------------------


def test_a_signed_in_user_adds_a_passkey_and_sign_in_offers_it(api_client, auth_client, user, enrolled):
    begin = _post(auth_client, REGISTER_BEGIN, {})

    assert begin.status_code == 200
    options = begin.json()["options"]
    assert options["rp"] == {"id": "localhost", "name": "Bastion"}
    assert options["user"]["name"] == user.email
    assert options["excludeCredentials"] == []
    authenticator = SoftAuthenticator()
    credential = authenticator.create(options, ORIGIN)

    response = _post(auth_client, REGISTER_COMPLETE, {"credential": credential, "name": "Laptop"})

    assert response.status_code == 200, response.json()
    device = WebAuthnCredential.objects.get(user=user)
    assert device.credential_id == authenticator.credential_id
    body = response.json()
    assert body == {
        "device": {
            "id": str(device.pk),
            "method": "webauthn",
            "name": "Laptop",
            "created_at": body["device"]["created_at"],
            "last_used_at": None,
        },
        "recovery_codes": None,  # the authenticator app, the first factor, brought them
    }
    added = AuditEvent.objects.get(user=user, action=AuditEvent.Action.MFA_DEVICE_ADDED)
    assert added.data == {"method": "webauthn"}
    listed = [(item["method"], item["id"]) for item in auth_client.get(DEVICES).json()]
    assert listed == [("totp", str(enrolled.device.pk)), ("webauthn", str(device.pk))]
    login = _post(api_client, reverse("auth-login"), {"email": user.email, "password": DEFAULT_PASSWORD})
    assert login.json()["methods"] == ["totp", "webauthn", "recovery_code"]
    again = _post(auth_client, REGISTER_BEGIN, {}).json()["options"]
    assert [item["id"] for item in again["excludeCredentials"]] == [authenticator.credential_id_b64]


def test_a_passkey_as_the_first_factor_completes_the_sign_up_like_a_code(api_client):
    registered = _post(
        api_client,
        reverse("auth-register"),
        {"email": "ada@example.com", "username": "ada", "full_name": "Ada L", "password": DEFAULT_PASSWORD},
    )
    enrollment_token = registered.json()["enrollment_token"]

    response = _register(api_client, SoftAuthenticator(), enrollment_token=enrollment_token)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["device"]["method"] == "webauthn"
    assert body["device"]["name"] == "Passkey"
    assert len(body["recovery_codes"]) == 10
    assert body["token_type"] == "bearer"
    signed_in = APIClient()
    signed_in.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert signed_in.get(reverse("auth-me")).json()["mfa_enrolled"] is True
    spent = _post(api_client, REGISTER_BEGIN, {"enrollment_token": enrollment_token})
    assert spent.status_code == 401
    assert spent.json()["error_code"] == "INVALID_TOKEN"


def test_a_second_enrollment_token_cannot_add_a_passkey_once_the_account_has_a_factor(api_client):
    account = {"email": "ada@example.com", "username": "ada", "password": DEFAULT_PASSWORD}
    first = _post(api_client, reverse("auth-register"), account).json()["enrollment_token"]
    second = _post(api_client, reverse("auth-login"), account).json()["enrollment_token"]
    begin = _post(api_client, REGISTER_BEGIN, {"enrollment_token": second})
    assert _register(api_client, SoftAuthenticator(), enrollment_token=first).status_code == 200

    credential = SoftAuthenticator().create(begin.json()["options"], ORIGIN)
    late = _post(api_client, REGISTER_COMPLETE, {"credential": credential, "enrollment_token": second})

    assert late.status_code == 401
    assert late.json()["error_code"] == "INVALID_TOKEN"
    assert "access_token" not in late.json()
    assert WebAuthnCredential.objects.filter(user__email="ada@example.com").count() == 1


def test_registering_needs_a_bearer_token_or_a_live_enrollment_token(api_client):
    anonymous = _post(api_client, REGISTER_BEGIN, {})
    forged = _post(api_client, REGISTER_BEGIN, {"enrollment_token": "not-a-token"})
    forged_complete = _post(api_client, REGISTER_COMPLETE, {"credential": {}, "enrollment_token": "not-a-token"})

    assert anonymous.status_code == 401
    assert anonymous.json()["error_code"] == "NOT_AUTHENTICATED"
    assert forged.status_code == forged_complete.status_code == 401
    assert forged.json()["error_code"] == forged_complete.json()["error_code"] == "INVALID_TOKEN"


def test_a_registration_challenge_is_spent_by_its_first_completion(auth_client, user):
    options = _post(auth_client, REGISTER_BEGIN, {}).json()["options"]
    credential = SoftAuthenticator().create(options, ORIGIN)

    first = _post(auth_client, REGISTER_COMPLETE, {"credential": credential})
    replayed = _post(auth_client, REGISTER_COMPLETE, {"credential": credential})

    assert first.status_code == 200
    assert replayed.status_code == 400
    assert replayed.json()["error_code"] == "PASSKEY_CHALLENGE_INVALID"
    assert WebAuthnCredential.objects.filter(user=user).count() == 1


def test_completing_a_registration_that_was_never_begun_is_refused(auth_client):
    options = {
        "challenge": b64url(b"never issued by the server"),
        "rp": {"id": "localhost", "name": "Bastion"},
        "user": {"id": b64url(b"someone"), "name": "someone", "displayName": "someone"},
    }

    response = _post(auth_client, REGISTER_COMPLETE, {"credential": SoftAuthenticator().create(options, ORIGIN)})

    assert response.status_code == 400
    assert response.json()["error_code"] == "PASSKEY_CHALLENGE_INVALID"


def test_a_registration_challenge_expires_with_the_browser_timeout(auth_client, settings):
    settings.OTP_WEBAUTHN_TIMEOUT_SECONDS = 1
    options = _post(auth_client, REGISTER_BEGIN, {}).json()["options"]
    time.sleep(1.5)

    response = _post(auth_client, REGISTER_COMPLETE, {"credential": SoftAuthenticator().create(options, ORIGIN)})

    assert response.status_code == 400
    assert response.json()["error_code"] == "PASSKEY_CHALLENGE_INVALID"
    assert not WebAuthnCredential.objects.exists()


def test_a_challenge_issued_to_one_user_cannot_register_a_passkey_for_another(auth_client, user):
    options = _post(auth_client, REGISTER_BEGIN, {}).json()["options"]
    credential = SoftAuthenticator().create(options, ORIGIN)

    response = _post(_bearer(enrolled_user().user), REGISTER_COMPLETE, {"credential": credential})

    assert response.status_code == 400
    assert response.json()["error_code"] == "PASSKEY_CHALLENGE_INVALID"
    assert not WebAuthnCredential.objects.exists()


@pytest.mark.parametrize(
    ("origin", "rp_id"),
    [("https://evil.example", "localhost"), (ORIGIN, "evil.example")],
    ids=["foreign-origin", "foreign-rp-id"],
)
def test_a_credential_made_for_another_site_is_refused(auth_client, origin, rp_id):
    options = _post(auth_client, REGISTER_BEGIN, {}).json()["options"]
    options["rp"]["id"] = rp_id

    response = _post(auth_client, REGISTER_COMPLETE, {"credential": SoftAuthenticator().create(options, origin)})

    assert response.status_code == 422
    assert response.json()["error_code"] == "INVALID_PASSKEY"
    assert not WebAuthnCredential.objects.exists()


def test_a_passkey_already_on_an_account_cannot_be_registered_again_by_anyone(auth_client, user, passkey):
    mine = _post(auth_client, REGISTER_BEGIN, {}).json()["options"]
    mine["excludeCredentials"] = []  # a client that ignores the exclusion list
    theirs_client = _bearer(enrolled_user().user)
    theirs = _post(theirs_client, REGISTER_BEGIN, {}).json()["options"]

    again = _post(auth_client, REGISTER_COMPLETE, {"credential": passkey.create(mine, ORIGIN)})
    stolen = _post(theirs_client, REGISTER_COMPLETE, {"credential": passkey.create(theirs, ORIGIN)})

    assert again.status_code == stolen.status_code == 422
    assert again.json()["error_code"] == stolen.json()["error_code"] == "PASSKEY_ALREADY_REGISTERED"
    assert list(WebAuthnCredential.objects.values_list("user", flat=True)) == [user.pk]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "credential"),
        ({"credential": None}, "credential"),
        ({"credential": "{}"}, "credential"),
        ({"credential": ["id"]}, "credential"),
        ({"credential": 7}, "credential"),
        ({"credential": {}, "name": 7}, "name"),
        ({"credential": {}, "name": "x" * 65}, "name"),
        ({"credential": {"id": "A" * 70_000}}, "credential"),
        ({"credential": {}, "enrollment_token": ["t"]}, "enrollment_token"),
    ],
)
def test_registering_reports_bad_fields(auth_client, body, field):
    response = _post(auth_client, REGISTER_COMPLETE, body)

    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"
    assert list(response.json()["errors"]) == [field]


def _mangled(credential: dict, path: tuple[str, ...], value: object) -> dict:
    mangled = copy.deepcopy(credential)
    target = mangled
    for key in path[:-1]:
        target = target[key]
    if value is _DROP:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return mangled


_DROP = object()
JUNK = [_DROP, None, 7, "", "!!not base64!!", "A", b64url(b"\xff" * 40), [], {}, b64url(b'{"type": 1}')]
REGISTRATION_PATHS = [
    ("id",),
    ("rawId",),
    ("type",),
    ("response",),
    ("response", "clientDataJSON"),
    ("response", "attestationObject"),
    ("response", "transports"),
    ("authenticatorAttachment",),
    ("clientExtensionResults",),
]


# Unsigned hints: junk there may be ignored, but must never break anything.
HINT_PATHS = {("response", "transports"), ("authenticatorAttachment",), ("clientExtensionResults",)}


@pytest.mark.parametrize("path", REGISTRATION_PATHS, ids=".".join)
def test_a_malformed_registration_is_a_clear_4xx_never_a_server_error(auth_client, user, path):
    for value in JUNK:
        options = _post(auth_client, REGISTER_BEGIN, {}).json()["options"]
        credential = _mangled(SoftAuthenticator().create(options, ORIGIN), path, value)

        response = _post(auth_client, REGISTER_COMPLETE, {"credential": credential})

        if response.status_code == 200:
            assert path in HINT_PATHS, value
            continue
        assert response.status_code == 422, (value, response.json())
        assert response.json()["error_code"] == "INVALID_PASSKEY", value
    if path not in HINT_PATHS:
        assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_a_body_over_the_api_limit_is_refused_before_parsing(auth_client, settings):
    settings.API_MAX_BODY_BYTES = 2048

    response = _post(auth_client, REGISTER_COMPLETE, {"credential": {"id": "A" * 4096}})

    assert response.status_code == 413
    assert response.json()["error_code"] == "PAYLOAD_TOO_LARGE"


def test_a_body_that_is_not_json_is_a_bad_request(auth_client):
    response = auth_client.post(REGISTER_COMPLETE, data='{"credential": {', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_REQUEST"


# --- Signing in -----------------------------------------------------------------------------------


def test_signing_in_with_password_then_passkey_gives_a_token_pair(api_client, user, passkey):
    token = _post(api_client, reverse("auth-login"), {"email": user.email, "password": DEFAULT_PASSWORD}).json()[
        "mfa_token"
    ]
    options = _options(token)
    device = WebAuthnCredential.objects.get(user=user)
    assert options["rpId"] == "localhost"
    assert [item["id"] for item in options["allowCredentials"]] == [passkey.credential_id_b64]
    assert options["userVerification"] == "discouraged"

    response = _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": passkey.get(options, ORIGIN)})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert me.get(reverse("auth-me")).json()["email"] == user.email
    device.refresh_from_db()
    assert device.sign_count == passkey.sign_count == 1
    assert device.last_used_at is not None
    event = AuditEvent.objects.get(user=user, action=AuditEvent.Action.LOGIN_SUCCEEDED)
    assert event.data == {"method": "webauthn"}
    spent = _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": passkey.get(options, ORIGIN)})
    assert spent.status_code == 401
    assert spent.json()["error_code"] == "INVALID_TOKEN"


def test_a_tampered_signature_is_refused_and_counted(api_client, user, passkey):
    token = _login_token(user)
    assertion = passkey.get(_options(token), ORIGIN)
    signature = bytearray(b64url_decode(assertion["response"]["signature"]))
    signature[-1] ^= 0x01
    assertion["response"]["signature"] = b64url(bytes(signature))

    response = _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": assertion})

    _refused_once(response, token)
    assert response.json()["detail"] == "The passkey was not accepted: try again, or use another method."
    assert AuditEvent.objects.filter(user=user, action=AuditEvent.Action.LOGIN_MFA_FAILED).count() == 1
    assert not AuditEvent.objects.filter(user=user, action=AuditEvent.Action.LOGIN_SUCCEEDED).exists()


def test_a_replayed_assertion_is_refused(api_client, user, passkey):
    token = _login_token(user)
    options = _options(token)
    assertion = passkey.get(options, ORIGIN)
    assert _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": assertion}).status_code == 200
    token = _login_token(user)
    _options(token)  # a fresh challenge is pending, but the attacker only holds the old assertion

    response = _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": assertion})

    _refused_once(response, token)


def test_a_cloned_authenticator_repeating_a_sign_count_is_refused(api_client, user, passkey):
    token = _login_token(user)
    first = _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": passkey.get(_options(token), ORIGIN)})
    assert first.status_code == 200
    token = _login_token(user)
    passkey.sign_count -= 1  # the clone signs a fresh challenge with the count already seen

    response = _post(
        api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": passkey.get(_options(token), ORIGIN)}
    )

    _refused_once(response, token)
    assert WebAuthnCredential.objects.get(user=user).sign_count == 1


def test_another_users_passkey_does_not_sign_this_user_in(api_client, user, passkey):
    other = enrolled_user()
    theirs = SoftAuthenticator()
    assert _register(_bearer(other.user), theirs).status_code == 200
    token = _login_token(user)
    options = _options(token)
    options["allowCredentials"] = []  # a client that offers any credential it holds

    response = _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": theirs.get(options, ORIGIN)})

    _refused_once(response, token)


def test_an_assertion_from_another_origin_is_refused(api_client, user, passkey):
    token = _login_token(user)

    response = _post(
        api_client,
        AUTH_COMPLETE,
        {"mfa_token": token, "credential": passkey.get(_options(token), "https://evil.example")},
    )

    _refused_once(response, token)


def test_the_fifth_refused_passkey_ends_the_sign_in(api_client, user, passkey):
    token = _login_token(user)
    answers = []
    for _ in range(5):
        assertion = passkey.get(_options(token), ORIGIN)
        assertion["response"]["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")
        answers.append(_post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": assertion}).status_code)

    begin = _post(api_client, AUTH_BEGIN, {"mfa_token": token})

    assert answers == [401, 401, 401, 401, 429]
    assert begin.status_code == 429
    assert begin.json()["error_code"] == "RATE_LIMIT_EXCEEDED"


def test_completing_without_a_pending_challenge_is_refused_and_the_challenge_is_single_use(api_client, user, passkey):
    token = _login_token(user)
    never_begun = _post(
        api_client,
        AUTH_COMPLETE,
        {"mfa_token": token, "credential": passkey.get({"rpId": "localhost", "challenge": "AAAA"}, ORIGIN)},
    )
    options = _options(token)
    tampered = passkey.get(options, ORIGIN)
    tampered["response"]["signature"] = b64url(b"nope")
    _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": tampered})

    after_failure = _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": passkey.get(options, ORIGIN)})

    assert never_begun.status_code == after_failure.status_code == 400
    assert never_begun.json()["error_code"] == "PASSKEY_CHALLENGE_INVALID"
    assert _challenge(token).failed_attempts == 1


@pytest.mark.parametrize("state", ["expired", "used", "unknown"])
def test_an_expired_used_or_unknown_mfa_token_is_refused(api_client, user, passkey, state):
    token = _login_token(user)
    options = _options(token)
    if state == "expired":
        MFAChallenge.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "used":
        MFAChallenge.objects.filter(user=user).update(used_at=timezone.now())
    else:
        token = "not-a-token"

    begin = _post(api_client, AUTH_BEGIN, {"mfa_token": token})
    complete = _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": passkey.get(options, ORIGIN)})

    assert begin.status_code == complete.status_code == 401
    assert begin.json()["error_code"] == complete.json()["error_code"] == "INVALID_TOKEN"


def test_asking_for_a_passkey_challenge_without_a_passkey_is_a_validation_error(api_client, user):
    response = _post(api_client, AUTH_BEGIN, {"mfa_token": _login_token(user)})

    assert response.status_code == 422
    assert response.json()["errors"] == {"mfa_token": ["This account has no passkey."]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"credential": {}}, "mfa_token"),
        ({"mfa_token": 5, "credential": {}}, "mfa_token"),
        ({"mfa_token": "t"}, "credential"),
        ({"mfa_token": "t", "credential": "{}"}, "credential"),
        ({"mfa_token": "t", "credential": {"id": "A" * 70_000}}, "credential"),
    ],
)
def test_signing_in_with_a_passkey_reports_bad_fields(api_client, body, field):
    response = _post(api_client, AUTH_COMPLETE, body)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


AUTHENTICATION_PATHS = [
    ("id",),
    ("rawId",),
    ("type",),
    ("response",),
    ("response", "clientDataJSON"),
    ("response", "authenticatorData"),
    ("response", "signature"),
    ("response", "userHandle"),
]


@pytest.mark.parametrize("path", AUTHENTICATION_PATHS, ids=".".join)
def test_a_malformed_assertion_is_a_counted_4xx_never_a_server_error(api_client, user, passkey, path):
    for value in JUNK:
        token = _login_token(user)
        credential = _mangled(passkey.get(_options(token), ORIGIN), path, value)

        response = _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": credential})

        if response.status_code == 200:
            # userHandle is optional, unsigned and unused (the user is known): junk that decodes is ignored.
            assert path == ("response", "userHandle"), value
            continue
        _refused_once(response, token)


def test_a_random_byte_flip_anywhere_in_an_assertion_is_refused(api_client, user, passkey):
    rng = random.Random(7)
    for _ in range(20):
        token = _login_token(user)
        assertion = passkey.get(_options(token), ORIGIN)
        field = rng.choice(["clientDataJSON", "authenticatorData", "signature"])
        data = bytearray(b64url_decode(assertion["response"][field]))
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        assertion["response"][field] = b64url(bytes(data))

        response = _post(api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": assertion})

        _refused_once(response, token)


# --- Devices --------------------------------------------------------------------------------------


def test_a_passkey_is_removed_by_its_id_and_the_removal_audited(auth_client, user, passkey):
    device = WebAuthnCredential.objects.get(user=user)

    response = auth_client.delete(reverse("auth-mfa-device-detail", args=[str(device.pk)]))

    assert response.status_code == 204
    assert not WebAuthnCredential.objects.filter(user=user).exists()
    removed = AuditEvent.objects.get(user=user, action=AuditEvent.Action.MFA_DEVICE_REMOVED)
    assert removed.data == {"method": "webauthn", "name": "Passkey"}


def test_another_users_passkey_id_is_not_found_and_survives(auth_client):
    other = enrolled_user()
    assert _register(_bearer(other.user), SoftAuthenticator()).status_code == 200
    theirs = WebAuthnCredential.objects.get(user=other.user)

    response = auth_client.delete(reverse("auth-mfa-device-detail", args=[str(theirs.pk)]))

    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_NOT_FOUND"
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()


def test_a_lone_passkey_cannot_be_removed(api_client):
    registered = _post(
        api_client,
        reverse("auth-register"),
        {"email": "ada@example.com", "username": "ada", "full_name": "Ada L", "password": DEFAULT_PASSWORD},
    )
    body = _register(api_client, SoftAuthenticator(), enrollment_token=registered.json()["enrollment_token"]).json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")

    response = client.delete(reverse("auth-mfa-device-detail", args=[body["device"]["id"]]))

    assert response.status_code == 422
    assert response.json()["error_code"] == "LAST_MFA_DEVICE"


def test_an_id_two_devices_share_removes_neither(user, enrolled, passkey, monkeypatch):
    device = WebAuthnCredential.objects.get(user=user)
    monkeypatch.setattr(WebAuthnCredential, "pk", property(lambda self: enrolled.device.pk))

    with pytest.raises(ResourceNotFound):
        mfa.mfa_device_remove(user=user, device_id=str(enrolled.device.pk))

    assert WebAuthnCredential.objects.filter(pk=device.id).exists()
    assert type(enrolled.device).objects.filter(pk=enrolled.device.pk).exists()


def test_a_sign_count_beyond_the_databases_range_is_refused_at_registration(auth_client, user):
    authenticator = SoftAuthenticator()
    authenticator.sign_count = 2**32 - 1

    response = _register(auth_client, authenticator)

    assert response.status_code == 422
    assert response.json()["error_code"] == "INVALID_PASSKEY"
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_a_sign_count_beyond_the_databases_range_is_refused_at_sign_in(api_client, user, passkey):
    token = _login_token(user)
    passkey.sign_count = 2**32 - 2  # the next assertion carries 2**32 - 1

    response = _post(
        api_client, AUTH_COMPLETE, {"mfa_token": token, "credential": passkey.get(_options(token), ORIGIN)}
    )

    _refused_once(response, token)
    assert WebAuthnCredential.objects.get(user=user).sign_count == 0


# --- Dashboard pages ------------------------------------------------------------------------------

SECURITY = reverse("security")
VERIFY = reverse("login-verify")


def _page_session(client: Client, user) -> None:
    """A browser signed in through both steps, as the dashboard leaves it."""
    client.force_login(user)
    session = client.session
    session["mfa_verified"] = True
    session.save()


def _page_options(client: Client, url: str) -> dict:
    response = client.post(url)
    assert response.status_code == 200, response.content
    return response.json()["options"]


def _page_password_step(client: Client, user):
    return client.post(reverse("login"), {"identifier": user.email, "password": DEFAULT_PASSWORD})


def test_the_security_page_adds_a_passkey_and_lists_it_with_the_other_factors(client, user):
    _page_session(client, user)
    assert 'data-passkey="create"' in client.get(SECURITY).text
    authenticator = SoftAuthenticator()
    options = _page_options(client, reverse("passkey-register-options"))

    response = client.post(
        reverse("passkey-register"),
        {"credential": json.dumps(authenticator.create(options, ORIGIN)), "name": "Work laptop"},
        follow=True,
    )

    assert response.redirect_chain == [(SECURITY, 302)]
    assert "Work laptop added as a second factor." in response.text
    device = WebAuthnCredential.objects.get(user=user, name="Work laptop")
    assert reverse("security-device-remove", args=[str(device.pk)]) in response.text
    assert "<td>Passkey</td>" in response.text


def test_a_passkey_is_removed_from_the_security_page(client, user, passkey):
    _page_session(client, user)
    device = WebAuthnCredential.objects.get(user=user)

    response = client.post(reverse("security-device-remove", args=[str(device.pk)]), follow=True)

    assert "The second factor was removed." in response.text
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_the_page_endpoints_need_the_session_and_the_csrf_header(user):
    anonymous = Client().post(reverse("passkey-register-options"))
    strict = Client(enforce_csrf_checks=True)
    _page_session(strict, user)
    forged = strict.post(reverse("passkey-register-options"))
    strict.get(SECURITY)
    with_header = strict.post(reverse("passkey-register-options"), HTTP_X_CSRFTOKEN=strict.cookies["csrftoken"].value)

    assert anonymous.status_code == 401
    assert anonymous.json()["error_code"] == "NOT_AUTHENTICATED"
    assert forged.status_code == 403
    assert with_header.status_code == 200
    assert "challenge" in with_header.json()["options"]


def test_a_refused_passkey_on_the_security_page_is_explained(client, user):
    _page_session(client, user)
    options = _page_options(client, reverse("passkey-register-options"))

    junk = client.post(reverse("passkey-register"), {"credential": "not json"}, follow=True)
    foreign = client.post(
        reverse("passkey-register"),
        {"credential": json.dumps(SoftAuthenticator().create(options, "https://evil.example"))},
        follow=True,
    )

    assert "The browser sent no passkey: try again." in junk.text
    assert "The passkey response is malformed or could not be verified." in foreign.text
    assert not WebAuthnCredential.objects.exists()


def test_signing_up_with_a_passkey_shows_the_recovery_codes_and_signs_in(client):
    client.post(
        reverse("register"),
        {"email": "ada@example.com", "username": "ada", "full_name": "Ada L", "password": DEFAULT_PASSWORD},
    )
    assert 'data-passkey="create"' in client.get(reverse("mfa-enroll")).text
    options = _page_options(client, reverse("passkey-register-options"))

    response = client.post(
        reverse("passkey-register"), {"credential": json.dumps(SoftAuthenticator().create(options, ORIGIN))}
    )

    assert response.status_code == 200
    assert len(re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.text)) == 10
    assert client.session["mfa_verified"] is True
    assert client.get(reverse("home")).status_code == 200


def test_the_sign_in_step_offers_a_passkey_and_it_signs_the_browser_in(client, user, passkey):
    _page_password_step(client, user)
    page = client.get(VERIFY)
    assert "Use a passkey" in page.text
    assert 'name="code"' in page.text  # the authenticator app is still offered
    options = _page_options(client, reverse("login-passkey-options"))

    response = client.post(reverse("login-passkey"), {"credential": json.dumps(passkey.get(options, ORIGIN))})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["mfa_verified"] is True


def test_a_passkey_only_account_sees_no_code_form(client):
    registered = _post(
        APIClient(),
        reverse("auth-register"),
        {"email": "ada@example.com", "username": "ada", "full_name": "Ada L", "password": DEFAULT_PASSWORD},
    )
    _register(APIClient(), SoftAuthenticator(), enrollment_token=registered.json()["enrollment_token"])
    _page_password_step(client, WebAuthnCredential.objects.get().user)

    page = client.get(VERIFY)

    assert page.status_code == 200
    assert "Use a passkey" in page.text
    assert 'name="code"' not in page.text
    assert "Use a recovery code" in page.text


def test_a_refused_passkey_at_sign_in_counts_and_the_fifth_ends_the_sign_in(client, user, passkey):
    _page_password_step(client, user)
    outcomes = []
    for _ in range(5):
        assertion = passkey.get(_page_options(client, reverse("login-passkey-options")), ORIGIN)
        assertion["response"]["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")
        outcomes.append(client.post(reverse("login-passkey"), {"credential": json.dumps(assertion)}).url)

    assert outcomes == [VERIFY] * 4 + [reverse("login")]
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("login-passkey-options")).status_code == 401


@pytest.mark.parametrize("url", [REGISTER_BEGIN, reverse("auth-mfa-enroll")])
def test_an_organization_api_key_cannot_add_a_second_factor(api_client, url):
    _, raw_key = api_key_with_secret()

    response = api_client.post(url, {"method": "totp"}, format="json", HTTP_X_API_KEY=raw_key)

    assert response.status_code == 401
    assert response.json()["error_code"] == "NOT_AUTHENTICATED"
    assert not WebAuthnCredential.objects.exists()
