"""The address a real uvicorn process hands to Bastion: a client on the same host that sends its own
X-Forwarded-For is recorded as itself unless TRUSTED_PROXIES names the hop it came through."""

import json
import urllib.request
from urllib.error import HTTPError

import pytest

from accounts.models import User
from audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.processes import uvicorn_running

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CLAIMED = "198.51.100.9"


def _failed_login_from(base_url: str, user: User) -> None:
    body = json.dumps({"email": user.email, "password": "not the password"}).encode()
    request = urllib.request.Request(
        f"{base_url}/api/v1/auth/login",
        data=body,
        headers={"Content-Type": "application/json", "X-Forwarded-For": CLAIMED},
    )
    with pytest.raises(HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401


def _recorded_address(user: User) -> str | None:
    return AuditEvent.objects.get(user=user, action=AuditEvent.Action.LOGIN_FAILED).ip_address


def test_a_forwarded_address_from_an_untrusted_hop_is_not_believed(process_env):
    user = UserFactory()
    with uvicorn_running({**process_env, "TRUSTED_PROXIES": ""}) as base_url:
        _failed_login_from(base_url, user)

    assert _recorded_address(user) == "127.0.0.1"


def test_a_forwarded_address_from_a_trusted_proxy_is_the_client(process_env):
    user = UserFactory()
    with uvicorn_running({**process_env, "TRUSTED_PROXIES": "127.0.0.1"}) as base_url:
        _failed_login_from(base_url, user)

    assert _recorded_address(user) == CLAIMED
