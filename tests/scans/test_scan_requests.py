"""Hostile and malformed scan requests: each refused with the one error shape, nothing started."""

import time
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from scans.api.serializers import CODE_MAX_CHARS
from scans.models import Scan
from tests.organizations.factories import api_key_with_secret

CODE = reverse("scan-code")


def _nothing_started() -> bool:
    return not Scan.objects.dangerously_unscoped().exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": 42}, "code"),
        ({"code": ["x = 1"]}, "code"),
        ({}, "code"),
        ({"code": "x = 1", "filename": "../../etc/passwd"}, "filename"),
        ({"code": "x = 1", "filename": "/etc/passwd"}, "filename"),
        ({"code": "x = 1", "filename": "a\\b.py"}, "filename"),
        ({"code": "x = 1", "filename": "a\nb.py"}, "filename"),
        ({"code": "x = 1", "language": "cobol"}, "language"),
        ({"code": "x" * (CODE_MAX_CHARS + 1)}, "code"),
    ],
)
def test_a_bad_code_field_is_a_422_naming_it(project, member_client, fields, field):
    response = member_client.post(CODE, {"project_id": str(project.pk), **fields}, format="json")

    assert response.status_code == 422
    body = response.json()
    assert (body["error_code"], list(body["errors"])) == ("VALIDATION_ERROR", [field])
    assert _nothing_started()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "fields", "field"),
    [
        ("scan-prompt", {"prompt": {"text": "hi"}}, "prompt"),
        ("scan-prompt", {"prompt": "hi", "model": 4}, "model"),
        ("scan-pii", {"content": None}, "content"),
        ("scan-pii", {"content": "hi", "redact": "perhaps"}, "redact"),
    ],
)
def test_a_bad_prompt_or_pii_field_is_a_422_naming_it(project, member_client, url, fields, field):
    response = member_client.post(reverse(url), {"project_id": str(project.pk), **fields}, format="json")

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert _nothing_started()


@pytest.mark.django_db
@pytest.mark.parametrize("project_id", [None, "not-a-uuid", 7])
def test_a_missing_or_malformed_project_id_is_a_422(member_client, project_id):
    body = {"code": "x = 1"} if project_id is None else {"code": "x = 1", "project_id": project_id}

    response = member_client.post(CODE, body, format="json")

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["project_id"]


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_413_before_any_scan(project, member_client):
    with override_settings(API_MAX_BODY_BYTES=1024):
        response = member_client.post(CODE, {"project_id": str(project.pk), "code": "x" * 2048}, format="json")

    assert response.status_code == 413
    assert response.json()["error_code"] == "PAYLOAD_TOO_LARGE"
    assert _nothing_started()


@pytest.mark.django_db
def test_a_deeply_nested_body_is_a_400_not_a_crash(project, member_client):
    nested = '{"code": ' + "[" * 5000 + "]" * 5000 + f', "project_id": "{project.pk}"}}'

    response = member_client.post(CODE, nested, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_REQUEST"
    assert _nothing_started()


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_refused(project, member_client):
    response = member_client.post(CODE, "code=x", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert _nothing_started()


@pytest.mark.django_db
def test_an_expired_access_token_is_refused(project, user):
    now = int(time.time())
    claims = {"token_type": "access", "sub": str(user.pk), "jti": "e" * 32, "iat": now - 600, "exp": now - 5}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt.encode(claims, settings.SIMPLE_JWT['SIGNING_KEY'])}")

    response = client.post(CODE, {"project_id": str(project.pk), "code": "x = 1"}, format="json")

    assert response.status_code == 401
    assert response.json()["error_code"] == "TOKEN_EXPIRED"
    assert _nothing_started()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", [{"revoked_at": timezone.now()}, {"expires_at": timezone.now() - timedelta(seconds=1)}]
)
def test_revoked_and_expired_keys_cannot_scan(organization, project, state):
    _, raw_key = api_key_with_secret(organization=organization, scopes=("scans:write",), **state)

    response = APIClient().post(
        CODE, {"project_id": str(project.pk), "code": "x = 1"}, format="json", HTTP_X_API_KEY=raw_key
    )

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"
    assert _nothing_started()


@pytest.mark.django_db
def test_a_scans_write_key_scans_and_a_read_key_does_not(organization, project):
    _, writer = api_key_with_secret(organization=organization, scopes=("scans:write",))
    _, reader = api_key_with_secret(organization=organization, scopes=("read",))
    body = {"project_id": str(project.pk), "code": "x = 1"}

    written = APIClient().post(CODE, body, format="json", HTTP_X_API_KEY=writer)
    read = APIClient().post(CODE, body, format="json", HTTP_X_API_KEY=reader)

    assert (written.status_code, read.status_code) == (202, 403)
    scan = Scan.objects.in_organization(organization).get()
    assert (scan.created_by, scan.created_by_api_key.organization) == (None, organization)


@pytest.mark.django_db
def test_anonymous_requests_are_refused(project):
    response = APIClient().post(CODE, {"project_id": str(project.pk), "code": "x = 1"}, format="json")

    assert response.status_code == 401
    assert response.json()["error_code"] == "NOT_AUTHENTICATED"
