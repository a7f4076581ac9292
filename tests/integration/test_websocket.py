import base64
import json
import time
import urllib.request
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from accounts.models import User
from accounts.services.passwords import password_change
from accounts.services.tokens import auth_logout, token_pair_issue, token_refresh, user_deactivate
from accounts.tokens import AccessToken
from core.exceptions import InvalidToken
from core.push import push_to_user
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.processes import uvicorn_running

pytestmark = pytest.mark.integration

CLOSE_UNAUTHENTICATED = 4401


@pytest.fixture(scope="module")
def server(process_env: dict[str, str]) -> Iterator[str]:
    with uvicorn_running(process_env) as base_url:
        yield base_url


@pytest.fixture
def member(transactional_db) -> User:
    # Committed, so the server process sees it.
    return UserFactory()


def _socket(server: str, **options: object) -> ClientConnection:
    return connect(server.replace("http://", "ws://") + "/ws/events/", open_timeout=10, **options)


def _receive(socket: ClientConnection) -> dict:
    return json.loads(socket.recv(timeout=10))


def _closed_code(socket: ClientConnection) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=10)
    return closed.value.rcvd.code


def test_token_in_subprotocol_authenticates_and_answers_ping(server, member):
    token = token_pair_issue(user=member).access_token

    with _socket(server, subprotocols=["bearer", token]) as socket:
        assert socket.subprotocol == "bearer"
        assert _receive(socket) == {"type": "authenticated", "user": {"id": str(member.pk), "email": member.email}}
        socket.send(json.dumps({"type": "ping"}))
        assert _receive(socket) == {"type": "pong"}


def test_token_in_first_message_authenticates(server, member):
    token = token_pair_issue(user=member).access_token

    with _socket(server) as socket:
        socket.send(json.dumps({"type": "auth", "token": token}))
        assert _receive(socket) == {"type": "authenticated", "user": {"id": str(member.pk), "email": member.email}}
        socket.send(json.dumps({"type": "ping"}))
        assert _receive(socket) == {"type": "pong"}


def test_idle_socket_stays_open(server, member):
    token = token_pair_issue(user=member).access_token

    with _socket(server, subprotocols=["bearer", token]) as socket:
        assert _receive(socket)["type"] == "authenticated"
        # Quiet for longer than one blocking poll of the channel layer (5 s against Redis): a live
        # stream waits for events; it must not drop the client between them.
        time.sleep(7)
        socket.send(json.dumps({"type": "ping"}))
        assert _receive(socket) == {"type": "pong"}


def test_browser_on_an_allowed_origin_is_accepted(server, member):
    token = token_pair_issue(user=member).access_token

    with _socket(server, subprotocols=["bearer", token], origin=server) as socket:
        assert _receive(socket)["type"] == "authenticated"


def _tampered(token: str, *, sub: str) -> str:
    """The same signature over a payload naming someone else."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = sub
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _revoked(user: User) -> str:
    token = token_pair_issue(user=user).access_token
    auth_logout(user=user, access_token=AccessToken(token))
    return token


@pytest.mark.parametrize("how", ["subprotocol", "first message"])
@pytest.mark.parametrize("kind", ["garbage", "tampered", "revoked"])
def test_bad_token_is_closed_with_4401(server, member, how, kind):
    token = {
        "garbage": lambda: "not-a-jwt",
        "tampered": lambda: _tampered(token_pair_issue(user=member).access_token, sub=str(UserFactory().pk)),
        "revoked": lambda: _revoked(member),
    }[kind]()

    if how == "subprotocol":
        with _socket(server, subprotocols=["bearer", token]) as socket:
            assert _closed_code(socket) == CLOSE_UNAUTHENTICATED
    else:
        with _socket(server) as socket:
            socket.send(json.dumps({"type": "auth", "token": token}))
            assert _closed_code(socket) == CLOSE_UNAUTHENTICATED


@pytest.mark.parametrize("first_message", ["hello", json.dumps({"type": "ping"}), json.dumps({"type": "auth"})])
def test_socket_without_a_token_is_closed_with_4401(server, first_message):
    with _socket(server) as socket:
        socket.send(first_message)
        assert _closed_code(socket) == CLOSE_UNAUTHENTICATED


def test_browser_from_a_foreign_origin_is_refused(server, member):
    token = token_pair_issue(user=member).access_token

    with pytest.raises(InvalidStatus) as refused:
        _socket(server, subprotocols=["bearer", token], origin="https://evil.example")

    assert refused.value.response.status_code == 403


def test_http_api_is_served_by_the_same_process(server, member):
    token = token_pair_issue(user=member).access_token
    request = urllib.request.Request(f"{server}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})

    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert json.loads(response.read())["email"] == member.email


DEEP_MESSAGES = ["[" * 100000, '{"a":' * 100000 + "1" + "}" * 100000]


@pytest.mark.parametrize("message", DEEP_MESSAGES, ids=["arrays", "objects"])
def test_a_deeply_nested_message_is_answered_with_an_error_and_the_socket_stays_open(server, member, message):
    token = token_pair_issue(user=member).access_token

    with _socket(server, subprotocols=["bearer", token]) as socket:
        assert _receive(socket)["type"] == "authenticated"
        socket.send(message)
        assert _receive(socket) == {"type": "error", "error_code": "INVALID_REQUEST", "detail": "Send JSON objects."}
        socket.send(json.dumps({"type": "ping"}))
        assert _receive(socket) == {"type": "pong"}


@pytest.mark.parametrize("message", DEEP_MESSAGES, ids=["arrays", "objects"])
def test_a_deeply_nested_first_message_closes_with_4401(server, message):
    with _socket(server) as socket:
        socket.send(message)
        assert _closed_code(socket) == CLOSE_UNAUTHENTICATED


def _rotated_refresh_reused(user: User, refresh_token: str) -> None:
    token_refresh(refresh_token=refresh_token)
    with pytest.raises(InvalidToken):
        token_refresh(refresh_token=refresh_token)


REVOCATIONS = {
    "logout": lambda user, pair: auth_logout(user=user, access_token=AccessToken(pair.access_token)),
    "password change": lambda user, pair: password_change(
        user=user, old_password=DEFAULT_PASSWORD, new_password="Another-Lantern-58?"
    ),
    "refresh reuse": lambda user, pair: _rotated_refresh_reused(user, pair.refresh_token),
    "deactivation": lambda user, pair: user_deactivate(user=user),
}


@pytest.mark.parametrize("how", ["subprotocol", "first message"])
@pytest.mark.parametrize("revoke", REVOCATIONS.values(), ids=REVOCATIONS.keys())
def test_revoking_the_login_closes_its_open_socket_with_4401(server, member, settings, revoke, how):
    # Reuse is only reuse once the grace for concurrent refreshes is over.
    settings.JWT_REFRESH_REUSE_INTERVAL = 0
    pair = token_pair_issue(user=member)
    other_login = token_pair_issue(user=UserFactory())

    options = {"subprotocols": ["bearer", pair.access_token]} if how == "subprotocol" else {}
    with _socket(server, **options) as socket, _socket(server) as bystander:
        if how == "first message":
            socket.send(json.dumps({"type": "auth", "token": pair.access_token}))
        bystander.send(json.dumps({"type": "auth", "token": other_login.access_token}))
        assert _receive(socket)["type"] == "authenticated"
        assert _receive(bystander)["type"] == "authenticated"

        revoke(member, pair)

        assert _closed_code(socket) == CLOSE_UNAUTHENTICATED
        bystander.send(json.dumps({"type": "ping"}))
        assert _receive(bystander) == {"type": "pong"}


def test_an_event_pushed_to_a_user_reaches_each_of_their_sockets_and_nobody_elses(server, member):
    token = token_pair_issue(user=member).access_token
    stranger = token_pair_issue(user=UserFactory()).access_token

    with (
        _socket(server, subprotocols=["bearer", token]) as first,
        _socket(server, subprotocols=["bearer", token]) as second,
        _socket(server, subprotocols=["bearer", stranger]) as bystander,
    ):
        assert [_receive(socket)["type"] for socket in (first, second, bystander)] == ["authenticated"] * 3

        push_to_user(member.pk, {"type": "alert.created", "id": "a1"})

        assert _receive(first) == _receive(second) == {"type": "alert.created", "id": "a1"}
        bystander.send(json.dumps({"type": "ping"}))
        assert _receive(bystander) == {"type": "pong"}


def test_a_socket_that_never_authenticates_is_closed_with_4401(server):
    with _socket(server) as socket:
        # Nothing sent: the server's deadline (WEBSOCKET_AUTH_TIMEOUT, 5 s) closes it.
        assert _closed_code(socket) == CLOSE_UNAUTHENTICATED
