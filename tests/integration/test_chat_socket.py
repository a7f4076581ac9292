"""`ws/chat/<id>/` against the real ASGI server (uvicorn in its own process), with the offline model and
a loopback OpenAI-compatible server for answers slow enough to leave in the middle of."""

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from accounts.services.tokens import auth_logout, token_pair_issue
from accounts.tokens import AccessToken
from chats.models import Chat, Message
from organizations.models import Membership
from organizations.roles import Role
from tests.chats.factories import ChatFactory
from tests.chats.test_completions import JAILBREAK
from tests.fakes.llm_servers import OpenAIServer
from tests.organizations.factories import MembershipFactory
from tests.processes import uvicorn_running

pytestmark = pytest.mark.integration

MESSAGE_RATE = 5  # an hour, so that no test straddles the limit's window


@pytest.fixture(scope="module")
def upstream() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        yield server


@pytest.fixture(scope="module")
def server(process_env: dict[str, str], upstream: OpenAIServer) -> Iterator[str]:
    env = {
        **process_env,
        "LLM_OPENAI_BASE_URL": upstream.base_url,
        "LLM_OPENAI_API_KEY": upstream.api_key,
        "LLM_OPENAI_MODELS": "loopback-chat",
        "CHAT_SOCKET_MESSAGE_RATE": f"{MESSAGE_RATE}/h",
    }
    with uvicorn_running(env) as base_url:
        yield base_url


@pytest.fixture
def chat(transactional_db) -> Chat:
    # Committed, so the server process sees it.
    member = MembershipFactory(role=Role.MEMBER)
    return ChatFactory(organization=member.organization, user=member.user, title="Planning")


def _token(user) -> str:
    return token_pair_issue(user=user).access_token


def _socket(server: str, chat_id: object, token: str | None = None) -> ClientConnection:
    options = {"subprotocols": ["bearer", token]} if token else {}
    return connect(f"{server.replace('http://', 'ws://')}/ws/chat/{chat_id}/", open_timeout=10, **options)


def _receive(socket: ClientConnection) -> dict:
    return json.loads(socket.recv(timeout=10))


@contextmanager
def _joined(server: str, chat: Chat) -> Iterator[ClientConnection]:
    with _socket(server, chat.pk, _token(chat.user)) as socket:
        assert _receive(socket) == {"type": "authenticated", "chat": {"id": str(chat.pk), "title": "Planning"}}
        yield socket


def _send(socket: ClientConnection, content: str, **more: object) -> None:
    socket.send(json.dumps({"type": "message", "content": content, **more}))


def _turn(socket: ClientConnection) -> list[dict]:
    """Every event up to and including the turn's `done` or `error`."""
    events = [_receive(socket)]
    while events[-1]["type"] not in ("done", "error"):
        events.append(_receive(socket))
    return events


def _closed_code(socket: ClientConnection) -> int:
    # Fails when a message comes before the close.
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=10)
    return closed.value.rcvd.code


def test_a_message_is_stored_then_answered_token_by_token_then_done(server, chat):
    with _joined(server, chat) as socket:
        _send(socket, "What is our refund policy?")
        events = _turn(socket)

    kinds = [event["type"] for event in events]
    assert (kinds[0], kinds[-1]) == ("message", "done")
    assert set(kinds[1:-1]) == {"token"}
    assert len(kinds) > 5
    asked, done = events[0], events[-1]
    assert (asked["role"], asked["content"]) == ("user", "What is our refund policy?")
    assert {event["reply_to"] for event in events[1:]} == {asked["id"]}
    answer = "".join(event["content"] for event in events[1:-1])
    assert done["message"]["content"] == answer
    assert (done["chat_id"], done["is_partial"], done["finish_reason"]) == (str(chat.pk), False, "stop")
    stored = list(Message.objects.filter(chat=chat).values_list("role", "content", "is_partial"))
    assert stored == [("user", "What is our refund policy?", False), ("assistant", answer, False)]


def test_a_token_in_the_first_message_authenticates(server, chat):
    with _socket(server, chat.pk) as socket:
        socket.send(json.dumps({"type": "auth", "token": _token(chat.user)}))
        assert _receive(socket)["type"] == "authenticated"
        socket.send(json.dumps({"type": "ping"}))
        assert _receive(socket) == {"type": "pong"}


@pytest.mark.parametrize("whose", ["another member's", "a made-up id", "not an id"])
def test_a_chat_that_is_not_yours_closes_with_4404_before_any_data(server, chat, whose):
    colleague = MembershipFactory(organization=chat.organization, role=Role.ADMIN).user
    chat_id = {"another member's": chat.pk, "a made-up id": "6d9a3c1e-0000-4000-8000-000000000000"}.get(
        whose, "drop-table"
    )

    with _socket(server, chat_id, _token(colleague)) as socket:
        assert _closed_code(socket) == 4404


def test_an_owner_whose_role_no_longer_allows_chats_is_closed_with_4403(server, chat):
    Membership.objects.filter(user=chat.user).update(role=Role.VIEWER)

    with _socket(server, chat.pk, _token(chat.user)) as socket:
        assert _closed_code(socket) == 4403


def test_every_socket_of_the_owner_sees_the_same_stream_and_nobody_else_does(server, chat):
    stranger_chat = ChatFactory(title="Planning")

    with (
        _joined(server, chat) as sender,
        _joined(server, chat) as other_tab,
        _joined(server, stranger_chat) as bystander,
    ):
        _send(sender, "Hello there")
        seen_by_sender, seen_by_other = _turn(sender), _turn(other_tab)
        bystander.send(json.dumps({"type": "ping"}))
        assert _receive(bystander) == {"type": "pong"}

    assert seen_by_sender == seen_by_other
    assert [seen_by_sender[0]["type"], seen_by_sender[-1]["type"]] == ["message", "done"]


def test_a_jailbreak_is_refused_with_the_guardrail_verdict_then_prompt_blocked(server, chat):
    with _joined(server, chat) as socket:
        _send(socket, JAILBREAK)
        asked, verdict, refused = _receive(socket), _receive(socket), _receive(socket)
        socket.send(json.dumps({"type": "ping"}))
        assert _receive(socket) == {"type": "pong"}  # refused, and still open

    assert (asked["type"], asked["guardrail"]["action"]) == ("message", "block")
    assert (verdict["type"], verdict["action"]) == ("guardrail", "block")
    assert "jailbreak" in verdict["categories"]
    assert (refused["type"], refused["error_code"], refused["status_code"]) == ("error", "PROMPT_BLOCKED", 422)
    assert refused["categories"] == verdict["categories"]
    assert verdict["reply_to"] == refused["reply_to"] == asked["id"]
    assert list(Message.objects.filter(chat=chat).values_list("role", flat=True)) == ["user"]


@pytest.mark.parametrize(
    ("message", "error_code", "field"),
    [
        ({"type": "shout"}, "INVALID_REQUEST", None),
        ({"type": "message"}, "VALIDATION_ERROR", "content"),
        ({"type": "message", "content": "x" * 100_001}, "VALIDATION_ERROR", "content"),
        ({"type": "message", "content": "hi", "collection_ids": ["nope"]}, "VALIDATION_ERROR", "collection_ids.0"),
    ],
    ids=["unknown type", "no content", "oversized", "bad collection id"],
)
def test_bad_input_is_answered_with_an_error_event_and_the_socket_stays_open(server, chat, message, error_code, field):
    with _joined(server, chat) as socket:
        socket.send(json.dumps(message))
        error = _receive(socket)
        socket.send(json.dumps({"type": "ping"}))
        assert _receive(socket) == {"type": "pong"}

    assert (error["type"], error["error_code"]) == ("error", error_code)
    assert field is None or field in error["errors"]
    assert not Message.objects.filter(chat=chat).exists()


def test_a_binary_frame_closes_the_socket_with_4400(server, chat):
    with _joined(server, chat) as socket:
        socket.send(b'{"type": "ping"}')
        assert _closed_code(socket) == 4400


def test_messages_over_the_rate_limit_are_refused_then_the_socket_is_closed_with_4429(server, chat):
    with _joined(server, chat) as socket:
        for _ in range(MESSAGE_RATE):
            _send(socket, "Hello there")
            _turn(socket)
        _send(socket, "One more")
        assert _receive(socket)["error_code"] == "RATE_LIMIT_EXCEEDED"
        _send(socket, "And another")
        assert _receive(socket)["error_code"] == "RATE_LIMIT_EXCEEDED"
        _send(socket, "And another")
        assert _closed_code(socket) == 4429

    assert Message.objects.filter(chat=chat, role="user").count() == MESSAGE_RATE


def test_revoking_the_login_closes_the_chat_socket_with_4401(server, chat):
    pair = token_pair_issue(user=chat.user)

    with _socket(server, chat.pk, pair.access_token) as socket:
        assert _receive(socket)["type"] == "authenticated"
        auth_logout(user=chat.user, access_token=AccessToken(pair.access_token))
        assert _closed_code(socket) == 4401


def test_leaving_mid_answer_stores_it_as_partial_and_tells_the_other_tabs(server, upstream, chat):
    Chat.objects.filter(pk=chat.pk).update(model="loopback-chat")
    words = " ".join(f"word{number}" for number in range(40))
    upstream.script(reply=words, chunks=40, delay=0.1)

    with _joined(server, chat) as other_tab:
        with _joined(server, chat) as sender:
            _send(sender, "Tell me a long story")
            assert _receive(sender)["type"] == "message"
            assert _receive(sender)["type"] == "token"
        seen = _turn(other_tab)

    assert seen[-1]["error_code"] == "ANSWER_INTERRUPTED"
    sent = "".join(event["content"] for event in seen if event["type"] == "token")
    deadline = time.monotonic() + 10
    while not (stored := Message.objects.filter(chat=chat, role="assistant").first()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (stored.is_partial, stored.finish_reason) == (True, "disconnected")
    # The piece on its way when the socket closed may be stored without having reached the other tab.
    assert stored.content.startswith(sent)
    assert 0 < len(sent) < len(words)


def test_twenty_answers_streaming_at_once_reach_their_sockets_whole(server, transactional_db):
    # The sockets of one process share one channel-layer key in Redis; over its capacity,
    # group_send drops events without a word (tests/bench/websocket found it).
    chats = [ChatFactory(title="Planning") for _ in range(20)]

    with ExitStack() as stack:
        sockets = [stack.enter_context(_joined(server, chat)) for chat in chats]
        for socket in sockets:
            _send(socket, "What is our refund policy?")
        turns = [_turn(socket) for socket in sockets]

    for events in turns:
        assert events[-1]["type"] == "done"
        tokens = "".join(event["content"] for event in events if event["type"] == "token")
        assert events[-1]["message"]["content"] == tokens
