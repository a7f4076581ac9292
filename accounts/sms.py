"""Sending SMS: one small interface, chosen by `SMS_BACKEND`, with a console and a Twilio implementation."""

import logging
from typing import Protocol

import requests
from django.conf import settings

from core.providers import ProviderUnavailable, provider_backend

logger = logging.getLogger("bastion.sms")


class SMSBackend(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


class ConsoleSMSBackend:
    """Development only: prints messages (and so their codes) to the server's output, like the console email backend."""

    def send(self, *, to: str, body: str) -> None:
        print(f"[SMS to {to}] {body}", flush=True)  # noqa: T201 -- the console backend's purpose


class TwilioSMSBackend:
    """Twilio's Messages API (form-encoded POST, HTTP basic auth with the account SID and auth token)."""

    def __init__(self) -> None:
        self.base_url = settings.SMS_TWILIO_BASE_URL.rstrip("/")
        self.account_sid = settings.SMS_TWILIO_ACCOUNT_SID
        self.auth_token = settings.SMS_TWILIO_AUTH_TOKEN
        self.sender = settings.SMS_FROM

    def send(self, *, to: str, body: str) -> None:
        url = f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        try:
            response = requests.post(
                url,
                data={"To": to, "From": self.sender, "Body": body},
                auth=(self.account_sid, self.auth_token),
                timeout=10,
            )
        except requests.RequestException as error:
            logger.warning("SMS provider unreachable: %s", type(error).__name__)
            raise ProviderUnavailable("The SMS provider cannot be reached; try another method.") from None
        if response.status_code >= 400:
            # The provider's error code, never the message body (it would hold the one-time code).
            is_json = response.headers.get("content-type", "").startswith("application/json")
            code = response.json().get("code") if is_json else None
            logger.warning("SMS provider refused a message: HTTP %s, code %s", response.status_code, code)
            raise ProviderUnavailable("The SMS provider refused the message; check the phone number.")


def sms_send(*, to: str, body: str) -> None:
    backend: SMSBackend = provider_backend("SMS_BACKEND")
    backend.send(to=to, body=body)
