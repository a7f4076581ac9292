"""Under ASGI the request is handed to a thread once, and the middleware and the sync view run there
(config.api.middleware.OneThreadMiddleware); each answers as it does under WSGI: the request id, the
API body limit and the second-factor gate."""

import logging

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils.module_loading import import_string

from config.api.middleware import OneThreadMiddleware
from tests.accounts.mfa import session_login

pytestmark = pytest.mark.django_db


def test_the_chain_hands_a_request_to_a_thread_once():
    # Django's MiddlewareMixin, left in async mode, would run each process_request and process_response in
    # a thread of its own under ASGI: two hand-offs per middleware instead of one for the whole chain.
    chain = [import_string(path) for path in settings.MIDDLEWARE]

    assert chain[-1] is OneThreadMiddleware
    assert not OneThreadMiddleware.async_capable
    assert all(getattr(middleware, "sync_capable", True) for middleware in chain)


@pytest.mark.urls("tests.config.boom_urls")
def test_the_request_id_reaches_the_response_and_the_log_of_a_failing_view(async_client, caplog):
    with caplog.at_level(logging.ERROR, logger="bastion.api"):
        response = async_to_sync(async_client.get)("/api/v1/boom", headers={"X-Request-ID": "req-12345678"})

    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-12345678"
    assert "req-12345678" in response.json()["detail"]
    assert any("req-12345678" in record.getMessage() and record.exc_info for record in caplog.records)


def test_a_hostile_request_id_is_replaced(async_client):
    response = async_to_sync(async_client.get)("/health", headers={"X-Request-ID": "<script>alert(1)</script>"})

    assert response["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(response["X-Request-ID"]) >= 8


@override_settings(API_MAX_BODY_BYTES=1024, DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_an_oversized_api_body_is_413(async_client):
    from accounts.models import User

    body = '{"email": "big@example.com", "username": "big", "password": "Vault-Lantern-47!", "full_name": "%s"}'
    response = async_to_sync(async_client.post)(
        reverse("auth-register"), data=body % ("x" * 2000), content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json()["error_code"] == "PAYLOAD_TOO_LARGE"
    assert not User.objects.filter(username="big").exists()


def test_a_session_without_the_second_factor_is_sent_to_the_code_step(async_client, enrolled):
    async_client.force_login(enrolled.user)

    response = async_to_sync(async_client.get)(reverse("security"))

    assert (response.status_code, response.url) == (302, reverse("login-verify"))
    assert "_auth_user_id" not in async_client.session


def test_the_gate_leaves_the_api_alone_and_lets_a_verified_session_through(async_client, enrolled):
    async_client.force_login(enrolled.user)
    assert async_to_sync(async_client.get)("/api/v1/health").status_code == 200
    assert async_client.session["_auth_user_id"] == str(enrolled.user.pk)

    session_login(async_client, enrolled.user)

    assert async_to_sync(async_client.get)(reverse("security")).status_code == 200
