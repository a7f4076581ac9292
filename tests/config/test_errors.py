"""The one error shape: every failure of the API answers `{detail, status_code, error_code, errors?}`."""

import logging

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.exceptions import Throttled
from rest_framework.test import APIRequestFactory

from config.api.exceptions import api_exception_handler

REGISTER = reverse("auth-register")


def _assert_shape(response, status_code, error_code):
    body = response.json()
    assert response.status_code == status_code
    assert response["Content-Type"].startswith("application/json")
    assert body["status_code"] == status_code
    assert body["error_code"] == error_code
    assert isinstance(body["detail"], str)
    assert body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/nope", "/api/v1/auth/register/extra", "/api/"])
def test_unknown_api_paths_answer_json_404(client, path):
    _assert_shape(client.get(path), 404, "RESOURCE_NOT_FOUND")


@pytest.mark.django_db
def test_malformed_json_is_400_invalid_request(client):
    response = client.post(REGISTER, data='{"email": ', content_type="application/json")

    _assert_shape(response, 400, "INVALID_REQUEST")


DEEP_BODIES = {
    "unclosed arrays": "[" * 1000,
    "closed arrays": "[" * 900 + "]" * 900,
    "nested objects": '{"a":' * 100000 + "1" + "}" * 100000,
    "object of deep arrays": '{"email": ' + "[" * 5000 + "]" * 5000 + "}",
}


@pytest.mark.django_db
@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
@pytest.mark.parametrize("url", ["auth-login", "auth-register", "auth-refresh", "organization-list"])
def test_deeply_nested_json_is_400_invalid_request_and_logs_no_traceback(auth_client, caplog, url, body):
    with caplog.at_level(logging.WARNING):
        response = auth_client.post(reverse(url), data=body, content_type="application/json")

    _assert_shape(response, 400, "INVALID_REQUEST")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]


@pytest.mark.django_db
def test_json_nested_as_deep_as_a_client_may_send_still_parses(client):
    # Depth is refused well past anything a real request needs: this one reaches validation.
    body = '{"email": ' + "[" * 20 + "]" * 20 + ', "password": "x"}'

    response = client.post(REGISTER, data=body, content_type="application/json")

    _assert_shape(response, 422, "VALIDATION_ERROR")


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_415(client):
    response = client.post(REGISTER, data="email=a@b.c", content_type="application/x-www-form-urlencoded")

    _assert_shape(response, 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.django_db
@override_settings(API_MAX_BODY_BYTES=1024, DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_an_oversized_body_is_413_and_nothing_is_created(client):
    from accounts.models import User

    payload = '{"email": "big@example.com", "username": "big", "password": "Vault-Lantern-47!", "full_name": "%s"}'
    response = client.post(REGISTER, data=payload % ("x" * 2000), content_type="application/json")

    _assert_shape(response, 413, "PAYLOAD_TOO_LARGE")
    assert not User.objects.filter(username="big").exists()


@pytest.mark.django_db
def test_a_query_parameter_given_twice_is_422_naming_it(auth_client):
    # A list view reading one of the values would filter by a value its validation never saw.
    response = auth_client.get("/api/v1/organizations?skip=oops&skip=0&limit=5")

    _assert_shape(response, 422, "VALIDATION_ERROR")
    assert response.json()["errors"] == {"skip": ["Give this query parameter once."]}
    assert auth_client.get("/api/v1/organizations?skip=0&limit=5").status_code == 200


@pytest.mark.django_db
def test_validation_errors_list_reasons_per_field(client):
    response = client.post(REGISTER, data={"email": "nope"}, content_type="application/json")

    _assert_shape(response, 422, "VALIDATION_ERROR")
    assert set(response.json()["errors"]) == {"email", "username", "password"}


@pytest.mark.django_db
def test_wrong_method_is_405(client):
    _assert_shape(client.get(REGISTER), 405, "METHOD_NOT_ALLOWED")


def test_throttling_is_429_with_retry_after():
    request = APIRequestFactory().get("/api/v1/anything")

    response = api_exception_handler(Throttled(wait=12.2), {"request": request, "view": None})

    assert response.status_code == 429
    assert response.data["error_code"] == "RATE_LIMIT_EXCEEDED"
    assert response["Retry-After"] == "13"  # rounded up: never invite a retry too early


@pytest.mark.django_db
@pytest.mark.urls("tests.config.boom_urls")
def test_an_unexpected_error_is_500_without_a_trace_and_is_logged_with_the_request_id(client, caplog):
    with caplog.at_level(logging.ERROR, logger="bastion.api"):
        response = client.get("/api/v1/boom", HTTP_X_REQUEST_ID="req-12345678")

    _assert_shape(response, 500, "INTERNAL_ERROR")
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "req-12345678" in response.json()["detail"]
    assert response["X-Request-ID"] == "req-12345678"
    assert any("req-12345678" in record.getMessage() and record.exc_info for record in caplog.records)


@pytest.mark.django_db
def test_every_response_gets_a_request_id(client):
    response = client.get("/health")

    assert len(response["X-Request-ID"]) >= 8


@pytest.mark.django_db
def test_a_hostile_request_id_is_replaced(client):
    response = client.get("/health", HTTP_X_REQUEST_ID="<script>alert(1)</script>")

    assert response["X-Request-ID"] != "<script>alert(1)</script>"
