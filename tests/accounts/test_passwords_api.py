"""Password reset and change through the real endpoints, with the emails they send and the attacks on them."""

import json
import time
import uuid
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.exceptions import InvalidCredentials
from accounts.models import PasswordResetToken
from accounts.services import users
from accounts.services.tokens import token_pair_issue
from audit.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.passwords import emailed_reset_token
from tests.races import race
from tests.races import statuses as race_statuses

RESET_REQUEST = reverse("auth-password-reset")
RESET = reverse("auth-reset-password")
CHANGE = reverse("auth-change-password")
REFRESH = reverse("auth-refresh")
ME = reverse("auth-me")
NEW_PASSWORD = "Copper-Harbour-83?"
SENT = {"detail": "If an account exists for this address, we have sent a reset link."}
INVALID = {
    "detail": "This reset link is invalid or has expired.",
    "status_code": 400,
    "error_code": "INVALID_RESET_TOKEN",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Reset requests are rate limited in the cache, which outlives a test's database.
    cache.clear()


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _reset(api_client, token, password=NEW_PASSWORD):
    return api_client.post(RESET, {"token": token, "new_password": password}, format="json")


def _wrong_secret(token: str) -> str:
    token_id, secret = token.split(".")
    return f"{token_id}.{'A' * len(secret) if secret != 'A' * len(secret) else 'B' * len(secret)}"


@pytest.mark.django_db
def test_a_reset_round_trip_sets_the_password_and_signs_every_session_out(
    api_client, user, tokens, django_capture_on_commit_callbacks
):
    token = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email.upper())

    email = mail.outbox[0]
    assert email.to == [user.email]
    assert f"http://testserver/password-reset/{token}/" in email.body
    assert f'href="http://testserver/password-reset/{token}/"' in email.alternatives[0][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = _reset(api_client, token)

    assert response.status_code == 200
    assert response.json() == {"detail": "Your password has been reset. Sign in with the new one."}
    assert users.auth_login(identifier=user.email, password=NEW_PASSWORD) == user
    with pytest.raises(InvalidCredentials):
        users.auth_login(identifier=user.email, password=DEFAULT_PASSWORD)
    refreshed = api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json")
    assert refreshed.status_code == 401
    notice = mail.outbox[-1]
    assert len(mail.outbox) == 2
    assert notice.to == [user.email]
    assert notice.subject == "Your Bastion password was changed"
    assert token not in notice.body


@pytest.mark.django_db
def test_unknown_and_inactive_addresses_get_the_same_answer_and_no_email(
    api_client, user, django_capture_on_commit_callbacks
):
    inactive = UserFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        known = api_client.post(RESET_REQUEST, {"email": user.email}, format="json")
        unknown = api_client.post(RESET_REQUEST, {"email": "nobody@example.com"}, format="json")
        sleeping = api_client.post(RESET_REQUEST, {"email": inactive.email}, format="json")

    assert known.status_code == unknown.status_code == sleeping.status_code == 202
    assert known.json() == unknown.json() == sleeping.json() == SENT
    assert [email.to for email in mail.outbox] == [[user.email]]
    assert not PasswordResetToken.objects.filter(user=inactive).exists()


@pytest.mark.django_db
def test_answering_a_reset_request_does_the_same_work_for_any_address(
    api_client, user, django_capture_on_commit_callbacks
):
    # No timing assertion: the request path for a known and an unknown address is the same code, with
    # the same single lookup (to count against the account), and both hand the sending to a task.
    seen = {}
    for label, email in [("known", user.email), ("unknown", "nobody@example.com")]:
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
            response = api_client.post(RESET_REQUEST, {"email": email}, format="json")
        seen[label] = (response.status_code, response.json(), len(queries), len(callbacks))

    assert seen["known"] == seen["unknown"] == (202, SENT, 1, 1)
    assert not PasswordResetToken.objects.exists()


@pytest.mark.django_db
def test_a_reset_token_works_only_once(api_client, user, django_capture_on_commit_callbacks):
    token = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email)
    assert _reset(api_client, token).status_code == 200

    again = _reset(api_client, token, password="Another-Strong-Pass-19")

    assert again.status_code == 400
    assert again.json() == INVALID
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_an_expired_reset_token_is_refused(api_client, user, django_capture_on_commit_callbacks):
    token = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email)
    PasswordResetToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _reset(api_client, token)

    assert response.status_code == 400
    assert response.json() == INVALID
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_a_reset_token_lasts_an_hour(api_client, user, django_capture_on_commit_callbacks):
    before = timezone.now()
    emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email)

    stored = PasswordResetToken.objects.get(user=user)

    assert before + timedelta(minutes=59) < stored.expires_at <= timezone.now() + timedelta(hours=1)


@pytest.mark.django_db
@pytest.mark.parametrize(("wrong_tries", "status"), [(4, 200), (5, 400)])
def test_five_wrong_secrets_kill_the_token_even_for_the_right_one(
    api_client, user, django_capture_on_commit_callbacks, wrong_tries, status
):
    token = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email)
    for _ in range(wrong_tries):
        assert _reset(api_client, _wrong_secret(token)).json() == INVALID

    response = _reset(api_client, token)

    assert PasswordResetToken.objects.get(user=user).failed_attempts == wrong_tries
    assert response.status_code == status


@pytest.mark.django_db
def test_every_kind_of_bad_token_gets_the_same_answer(api_client, user, django_capture_on_commit_callbacks):
    used = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email)
    _reset(api_client, used)
    other = UserFactory()
    expired = emailed_reset_token(api_client, django_capture_on_commit_callbacks, other.email)
    PasswordResetToken.objects.filter(user=other).update(expires_at=timezone.now())
    live = emailed_reset_token(api_client, django_capture_on_commit_callbacks, UserFactory().email)
    unknown_id = f"{uuid.uuid4()}.{live.split('.')[1]}"

    answers = [_reset(api_client, token) for token in (used, expired, _wrong_secret(live), unknown_id)]

    assert [answer.status_code for answer in answers] == [400] * 4
    assert all(answer.json() == INVALID for answer in answers)


@pytest.mark.django_db
def test_a_new_request_kills_the_earlier_token(api_client, user, django_capture_on_commit_callbacks):
    first = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email)
    second = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email)

    assert first != second
    assert _reset(api_client, first).json() == INVALID
    assert _reset(api_client, second).status_code == 200


@pytest.mark.django_db
def test_a_weak_new_password_keeps_the_token_usable(api_client, user, django_capture_on_commit_callbacks):
    token = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email)

    weak = _reset(api_client, token, password="password")

    assert weak.status_code == 422
    assert weak.json()["error_code"] == "WEAK_PASSWORD"
    assert "This password is too common." in weak.json()["errors"]["new_password"]
    stored = PasswordResetToken.objects.get(user=user)
    assert (stored.failed_attempts, stored.used_at) == (0, None)
    assert _reset(api_client, token).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("token", "status"),
    [
        ("", 422),
        ("no-dot-at-all", 400),
        ("not-a-uuid.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 400),
        (f"{uuid.uuid4()}.", 400),
        (f"{uuid.uuid4()}.short", 400),
        (f"{uuid.uuid4()}.{'A' * 43}", 400),
        (f"{'-' * 36}.{'A' * 43}", 400),
        ("x" * 5000, 422),
        (12345, 422),
        (None, 422),
        (["a.b"], 422),
        ({"id": "a"}, 422),
    ],
)
def test_malformed_reset_tokens_are_refused_cleanly(api_client, token, status):
    response = api_client.post(RESET, {"token": token, "new_password": NEW_PASSWORD}, format="json")

    assert response.status_code == status
    if status == 400:
        assert response.json() == INVALID
    else:
        assert response.json()["error_code"] == "VALIDATION_ERROR"
        assert "token" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["token", "new_password"])
def test_a_lone_surrogate_is_refused_cleanly(api_client, field):
    # Valid JSON (json.dumps escapes it) that no UTF-8 encoder accepts: it must never reach a digest or hasher.
    payload = {"token": f"{uuid.uuid4()}.{'A' * 43}", "new_password": NEW_PASSWORD}
    payload[field] = payload[field][:-1] + "\ud800"

    response = api_client.post(RESET, data=json.dumps(payload), content_type="application/json")

    assert response.status_code == 422
    assert field in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        (RESET_REQUEST, {}, "email"),
        (RESET_REQUEST, {"email": "not-an-email"}, "email"),
        (RESET_REQUEST, {"email": 42}, "email"),
        (RESET_REQUEST, {"email": ["a@example.com"]}, "email"),
        (RESET, {"token": "a.b"}, "new_password"),
        (RESET, {"new_password": NEW_PASSWORD}, "token"),
        (RESET, {"token": "a.b", "new_password": 123456789012345}, "new_password"),
        (CHANGE, {"new_password": NEW_PASSWORD}, "old_password"),
        (CHANGE, {"old_password": DEFAULT_PASSWORD}, "new_password"),
        (CHANGE, {"old_password": True, "new_password": NEW_PASSWORD}, "old_password"),
        (CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": "x" * 129}, "new_password"),
    ],
)
def test_password_endpoints_report_bad_fields(auth_client, url, payload, field):
    response = auth_client.post(url, payload, format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"
    assert field in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [RESET_REQUEST, RESET, CHANGE])
def test_password_endpoints_refuse_broken_bodies(auth_client, url):
    malformed = auth_client.post(url, data='{"email": ', content_type="application/json")
    not_json = auth_client.post(url, data="email=a@example.com", content_type="application/x-www-form-urlencoded")
    a_list = auth_client.post(url, [{"email": "a@example.com"}], format="json")
    with override_settings(API_MAX_BODY_BYTES=100, DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        too_big = auth_client.post(url, {"email": "a@example.com", "token": "x" * 200}, format="json")

    assert (malformed.status_code, malformed.json()["error_code"]) == (400, "INVALID_REQUEST")
    assert (not_json.status_code, not_json.json()["error_code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert (a_list.status_code, a_list.json()["error_code"]) == (422, "VALIDATION_ERROR")
    assert (too_big.status_code, too_big.json()["error_code"]) == (413, "PAYLOAD_TOO_LARGE")


@pytest.mark.django_db
def test_reset_requests_are_limited_per_address_whether_or_not_it_has_an_account(api_client, user):
    for email in (user.email, "nobody@example.com"):
        answers = [api_client.post(RESET_REQUEST, {"email": email}, format="json") for _ in range(6)]

        assert [answer.status_code for answer in answers] == [202] * 5 + [429]
        assert answers[-1].json()["error_code"] == "RATE_LIMIT_EXCEEDED"
        assert answers[-1]["Retry-After"] == "3600"


@pytest.mark.django_db
def test_reset_requests_are_limited_per_account_however_the_address_is_spelled(api_client):
    UserFactory(email="sam@example.com")
    spellings = ["sam@example.com", "SAM@example.com", "Sam@Example.Com", "sam@EXAMPLE.com", "SAM@EXAMPLE.COM"]

    answers = [
        api_client.post(RESET_REQUEST, {"email": email}, format="json") for email in [*spellings, "sAm@example.com"]
    ]

    assert [answer.status_code for answer in answers] == [202] * 5 + [429]


@pytest.mark.django_db(transaction=True)
def test_a_reset_token_used_at_once_from_several_clients_works_once(user, django_capture_on_commit_callbacks):
    token = emailed_reset_token(APIClient(), django_capture_on_commit_callbacks, user.email)

    def use(password):
        return lambda: _reset(APIClient(), token, password)

    passwords = [f"{NEW_PASSWORD}-{n}" for n in range(6)]
    results = race([use(password) for password in passwords])

    assert race_statuses(results) == [200] + [400] * 5
    user.refresh_from_db()
    winner = passwords[[result.status_code for result in results].index(200)]
    assert user.check_password(winner)
    assert PasswordResetToken.objects.filter(user=user, used_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_changing_the_password_revokes_the_access_token_in_hand_and_every_refresh_token(
    auth_client, user, tokens, api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client.post(
            CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}, format="json"
        )

    assert response.status_code == 200
    assert response.json() == {"detail": "Your password has been changed. Sign in again."}
    me = auth_client.get(ME)
    assert (me.status_code, me.json()["error_code"]) == (401, "INVALID_TOKEN")
    assert api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json").status_code == 401
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert [(email.to, email.subject) for email in mail.outbox] == [([user.email], "Your Bastion password was changed")]


@pytest.mark.django_db
def test_changing_the_password_signs_out_every_other_login_at_once(auth_client, user, api_client):
    other_login = token_pair_issue(user=user)

    response = auth_client.post(CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}, format="json")

    assert response.status_code == 200
    other = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {other_login.access_token}")
    assert other.status_code == 401


@pytest.mark.django_db
def test_changing_the_password_also_kills_a_pending_reset_link(
    auth_client, api_client, user, django_capture_on_commit_callbacks
):
    token = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email)

    auth_client.post(CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}, format="json")

    assert _reset(api_client, token, password="Another-Strong-Pass-19").json() == INVALID


@pytest.mark.django_db
def test_a_wrong_current_password_changes_nothing(auth_client, user, tokens, api_client):
    response = auth_client.post(
        CHANGE, {"old_password": "Not-The-Password-1", "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The current password is wrong.",
        "status_code": 400,
        "error_code": "INVALID_CREDENTIALS",
    }
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert auth_client.get(ME).status_code == 200
    assert api_client.post(REFRESH, {"refresh_token": tokens.refresh_token}, format="json").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new_password", "error_code", "reason"),
    [
        ("password", "WEAK_PASSWORD", "This password is too common."),
        (DEFAULT_PASSWORD, "WEAK_PASSWORD", "Choose a password different from the current one."),
    ],
)
def test_a_weak_or_unchanged_new_password_is_refused(auth_client, user, new_password, error_code, reason):
    response = auth_client.post(CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": new_password}, format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == error_code
    assert reason in response.json()["errors"]["new_password"]
    assert auth_client.get(ME).status_code == 200
    assert not AuditEvent.objects.filter(user=user, action=AuditEvent.Action.PASSWORD_CHANGED).exists()


@pytest.mark.django_db
def test_changing_the_password_needs_a_signed_in_caller(api_client):
    response = api_client.post(CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}, format="json")

    assert response.status_code == 401
    assert response.json()["error_code"] == "NOT_AUTHENTICATED"


@pytest.mark.django_db
def test_changing_the_password_with_an_expired_access_token_says_so(user):
    now = int(time.time())
    claims = {"token_type": "access", "sub": str(user.pk), "jti": "e" * 32, "iat": now - 900, "exp": now - 5}
    expired = jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")

    response = _bearer(expired).post(
        CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["error_code"] == "TOKEN_EXPIRED"
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_resets_and_changes_are_audited_without_tokens_or_passwords(
    api_client, user, django_capture_on_commit_callbacks
):
    token = emailed_reset_token(api_client, django_capture_on_commit_callbacks, user.email)
    _reset(api_client, token)
    signed_in = _bearer(token_pair_issue(user=user).access_token)
    changed = signed_in.post(
        CHANGE, {"old_password": NEW_PASSWORD, "new_password": "Another-Strong-Pass-19"}, format="json"
    )
    api_client.post(RESET_REQUEST, {"email": "nobody@example.com"}, format="json")

    assert changed.status_code == 200
    actions = AuditEvent.objects.filter(user=user, action__startswith="password.").values_list("action", flat=True)
    assert sorted(actions) == sorted(
        [
            AuditEvent.Action.PASSWORD_RESET_REQUESTED,
            AuditEvent.Action.PASSWORD_RESET,
            AuditEvent.Action.PASSWORD_CHANGED,
        ]
    )
    revocations = AuditEvent.objects.filter(user=user, action=AuditEvent.Action.TOKENS_REVOKED)
    assert sorted(event.data["reason"] for event in revocations) == ["password.changed", "password.reset"]
    assert not AuditEvent.objects.filter(user=None, action__startswith="password.").exists()
    stored = json.dumps(list(AuditEvent.objects.values("data", "user_agent")))
    for secret in (token, token.split(".")[1], NEW_PASSWORD, DEFAULT_PASSWORD, "Another-Strong-Pass-19"):
        assert secret not in stored


@pytest.mark.django_db
def test_the_reset_email_task_records_the_client_that_asked(api_client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(
            RESET_REQUEST, {"email": user.email}, format="json", REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT="Resetter/1"
        )

    event = AuditEvent.objects.get(user=user, action=AuditEvent.Action.PASSWORD_RESET_REQUESTED)
    assert (event.ip_address, event.user_agent) == ("203.0.113.5", "Resetter/1")
