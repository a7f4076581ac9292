"""What every seed's walk does beside its own paths: Bastion's second step, and reading answers."""

from django.urls import reverse
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import TOTPDevice
from tests.accounts.mfa import totp_code

ERROR_FIELDS = {"detail", "status_code", "error_code", "errors"}


def post(client: APIClient, path: str, body: object) -> Response:
    return client.post(path, body, format="json")


def bearer(access_token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client


def assert_error(response: Response, status: int, error_code: str, *fields: str) -> dict:
    """The one documented error shape, with `errors` naming each field given."""
    body = response.json()
    assert response.status_code == status, body
    assert body["status_code"] == status
    assert body["error_code"] == error_code
    assert isinstance(body["detail"], str)
    assert set(body) <= ERROR_FIELDS | {"enrollment_token"}
    for field in fields:
        assert field in body["errors"], body
    return body


def enroll_totp(client: APIClient, enrollment_token: str) -> tuple[TOTPDevice, dict]:
    """Bastion's enrollment of an authenticator app with an `enrollment_token`: the device and the answer."""
    begun = post(client, reverse("auth-mfa-enroll"), {"method": "totp", "enrollment_token": enrollment_token})
    assert begun.status_code == 200, begun.json()
    device = TOTPDevice.objects.get(pk=begun.json()["device_id"])
    confirm = {"method": "totp", "code": totp_code(device), "enrollment_token": enrollment_token}
    confirmed = post(client, reverse("auth-mfa-confirm"), confirm)
    assert confirmed.status_code == 200, confirmed.json()
    return device, confirmed.json()


def second_step(client: APIClient, mfa_token: str, **proof: str) -> dict:
    """Bastion's second sign-in step (`code` or `recovery_code`), which every seed's login leads to."""
    response = post(client, reverse("auth-login-mfa"), {"mfa_token": mfa_token, **proof})
    assert response.status_code == 200, response.json()
    pair = response.json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    return pair
