"""Seed 002's chat and LLM routes and seed 000's model routes, as their clients call them."""

import pytest
from rest_framework.test import APIClient

from chats.models import Chat, Message
from organizations.roles import Role
from tests.chats.test_completions import _events
from tests.conftest import client_for
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(role=Role.MEMBER)


def test_a_seed_002_client_sends_reads_the_history_and_clears_its_one_conversation(member):
    client = client_for(member.user)

    first = client.post("/api/v1/chat/send", {"message": "What is Bastion?"}, format="json")
    second = client.post("/api/v1/chat/send", {"message": "And its gateway?"}, format="json")
    history = client.get("/api/v1/chat/history")
    cleared = client.delete("/api/v1/chat/clear")

    assert (first.status_code, second.status_code) == (200, 200), first.json()
    assert first.json()["response"] == first.json()["message"]["content"]
    assert first.json()["chat_id"] == second.json()["chat_id"]  # one conversation, started on the first message
    assert [item["content"] for item in history.json()["items"] if item["role"] == "user"] == [
        "What is Bastion?",
        "And its gateway?",
    ]
    assert cleared.status_code == 204
    chat = Chat.objects.get(pk=first.json()["chat_id"])
    assert not Message.objects.filter(chat=chat).exists()
    assert client.get("/api/v1/chat/history").json()["total"] == 0


def test_seed_002_streams_and_its_llm_routes_are_the_gateways(member):
    client = client_for(member.user)

    stream = client.post("/api/v1/chat/stream", {"message": "Hello"}, format="json")
    llm_chat = client.post("/api/v1/llm/chat", {"messages": [{"role": "user", "content": "Hi"}]}, format="json")
    llm_models = client.get("/api/v1/llm/models")

    assert stream["Content-Type"] == "text/event-stream"
    assert _events(stream)[-1][0] == "done"
    assert llm_chat.status_code == 200
    assert llm_chat.json()["chat_id"] is None
    assert "offline" in [model["id"] for model in llm_models.json()["items"]]


def test_seed_002_refuses_what_the_canonical_route_refuses(member):
    client = client_for(member.user)

    wrong = client.post("/api/v1/chat/send", {"message": ["not", "text"]}, format="json")
    missing = client.post("/api/v1/chat/send", {}, format="json")
    anonymous = APIClient().post("/api/v1/chat/send", {"message": "hi"}, format="json")

    assert (wrong.status_code, missing.status_code, anonymous.status_code) == (422, 422, 401)
    assert "messages" in missing.json()["errors"]


def test_another_persons_conversation_is_never_read_or_cleared(member):
    owner = client_for(member.user)
    chat_id = owner.post("/api/v1/chat/send", {"message": "private"}, format="json").json()["chat_id"]
    colleague = client_for(MembershipFactory(organization=member.organization, role=Role.ADMIN).user)

    read = colleague.get(f"/api/v1/chat/history?chat_id={chat_id}")
    cleared = colleague.delete(f"/api/v1/chat/clear?chat_id={chat_id}")
    sent = colleague.post("/api/v1/chat/send", {"message": "hi", "chat_id": chat_id}, format="json")

    assert (read.status_code, cleared.status_code, sent.status_code) == (404, 404, 404)
    assert Message.objects.filter(chat_id=chat_id).count() == 2


def test_seed_000_lists_models_and_generates_at_its_root(member):
    client = client_for(member.user)

    listed = client.get("/models/list")
    generated = client.post("/models/generate", {"prompt": "Say hello", "max_tokens": 20}, format="json")
    unknown = client.get("/models/nothing-here")

    assert listed.status_code == 200
    assert generated.status_code == 200
    assert generated.json()["text"]
    assert unknown.status_code == 404
    assert unknown.json()["error_code"] == "RESOURCE_NOT_FOUND"
