"""The client address that limits count and the audit log records: X-Forwarded-For is believed only
from the proxies in TRUSTED_PROXIES, walked from the right."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.ratelimits import LOGIN_ADDRESS_FAILURES
from audit.models import AuditEvent
from core.context import client_ip

LOGIN = reverse("auth-login")


def _client_ip(remote_addr: str, forwarded: str | None = None) -> str | None:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))


def test_without_trusted_proxies_the_header_is_ignored():
    assert _client_ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert _client_ip("127.0.0.1", "198.51.100.1") == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "::1"])
@pytest.mark.parametrize(
    ("remote_addr", "forwarded", "client"),
    [
        ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
        # Entries left of the first untrusted hop were written by the client.
        ("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        ("::1", "2001:db8::5", "2001:db8::5"),
        # A request not from a trusted proxy: its header is the client's word.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ("10.0.0.1", "not-an-address", "10.0.0.1"),
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", None, "10.0.0.1"),
    ],
)
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(remote_addr, forwarded, client):
    assert _client_ip(remote_addr, forwarded) == client


@pytest.mark.django_db
def test_a_forged_forwarded_for_changes_neither_the_log_nor_the_limit(api_client):
    answers = [
        api_client.post(
            LOGIN,
            {"email": f"ghost{n}@example.com", "password": "Wrong-password-1"},
            format="json",
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n % 250}",
        )
        for n in range(LOGIN_ADDRESS_FAILURES + 1)
    ]

    assert [answer.status_code for answer in answers] == [401] * LOGIN_ADDRESS_FAILURES + [429]
    logged = set(AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).values_list("ip_address", flat=True))
    assert logged == {"203.0.113.7"}


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_the_log_records_the_forwarded_address(api_client):
    api_client.post(
        LOGIN,
        {"email": "ghost@example.com", "password": "Wrong-password-1"},
        format="json",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )

    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).ip_address == "198.51.100.9"
