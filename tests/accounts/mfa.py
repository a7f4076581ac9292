"""Test helpers for second factors: an enrolled user and a full sign-in in one call."""

import secrets
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from rest_framework.test import APIClient

from accounts.models import TOTPDevice, User
from accounts.services import mfa
from accounts.views.mfa import MFA_VERIFIED
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` time steps later)."""
    totp = TOTP(device.bin_key, device.step, 0, device.digits, 0)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@dataclass
class Enrolled:
    user: User
    device: TOTPDevice
    recovery_codes: list[str]


def enrolled_user(**user_fields: object) -> Enrolled:
    """A user with a confirmed authenticator app and fresh recovery codes."""
    user = UserFactory(**user_fields)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", key=secrets.token_hex(20))
    codes = mfa.recovery_codes_regenerate(user=user, audit=False)
    return Enrolled(user=user, device=device, recovery_codes=codes)


def mfa_token_for(client: APIClient, user: User, password: str = DEFAULT_PASSWORD) -> str:
    response = client.post(reverse("auth-login"), {"email": user.email, "password": password}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["mfa_token"]


def api_login(client: APIClient, enrolled: Enrolled, *, steps_ahead: int = 0) -> dict:
    """Sign in through both real steps (password, then TOTP) and return the token pair."""
    token = mfa_token_for(client, enrolled.user)
    code = totp_code(enrolled.device, steps_ahead=steps_ahead)
    response = client.post(reverse("auth-login-mfa"), {"mfa_token": token, "code": code}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def session_login(client: Client, user: User) -> Client:
    """A browser signed in through both steps, as the dashboard leaves it (the gate lets it through)."""
    client.force_login(user)
    session = client.session
    session[MFA_VERIFIED] = True
    session.save()
    return client
