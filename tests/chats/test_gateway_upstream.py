"""The gateway against a real HTTP model server (loopback, OpenAI's protocol, the official client):
redaction on the way out and restoration on the way back, output screening, retries and fallback."""

import logging
from decimal import Decimal

import pytest
from django.apps import apps

from billing.models import Usage
from chats.models import Message
from organizations.roles import Role
from tests.chats.factories import ChatFactory
from tests.chats.test_completions import _events
from tests.chats.upstream import anthropic_upstream, openai_upstream
from tests.conftest import client_for
from tests.organizations.factories import MembershipFactory

PHONE = "+1 415 555 0100"
EMAIL = "jane.doe@example.com"
SLACK_TOKEN = "xoxb-526018159083-0166131860913-OOL8dKLzdocJ2isAjIhKtJ0R"


@pytest.fixture
def member(db):
    return MembershipFactory(role=Role.MEMBER)


@pytest.fixture
def chat(member):
    return ChatFactory(organization=member.organization, user=member.user, model="gpt-test")


def _stored_rows() -> list[str]:
    """Every row of every table, as text, but the chat's own messages' content: the person's words,
    kept in their chat, are the one place their values belong."""
    rows = []
    for model in apps.get_models():
        fields = [field.attname for field in model._meta.concrete_fields if (model, field.name) != (Message, "content")]
        rows += [str(row) for row in model._base_manager.values(*fields)]
    return rows


def _complete(member, chat, content: str, **extra):
    body = {"chat_id": str(chat.pk), "messages": [{"role": "user", "content": content}], **extra}
    return client_for(member.user).post("/api/v1/chat/completions", body, format="json")


@pytest.mark.parametrize("stream", [False, True])
def test_personal_data_is_redacted_before_it_leaves_and_restored_in_the_answer(
    member, chat, openai_server, caplog, stream
):
    caplog.set_level(logging.DEBUG)
    with openai_upstream(openai_server):
        response = _complete(member, chat, f"Call me at {PHONE} or write to {EMAIL}.", stream=stream)
        answer = _events(response)[-1][1] if stream else response.json()

    sent = str(openai_server.requests[-1].body)
    assert PHONE not in sent
    assert EMAIL not in sent
    assert "<PHONE_1>" in sent
    assert "<EMAIL_1>" in sent
    # The loopback model echoes the prompt it saw: the person gets their own values back.
    assert PHONE in answer["message"]["content"]
    assert EMAIL in answer["message"]["content"]
    assert answer["guardrail"]["redacted"] == {"pii": 2}
    usage = Usage.objects.get()
    rows = [str(list(Usage.objects.values())), str(list(Message.objects.values("guardrail")))]
    for text in [*rows, caplog.text]:
        assert PHONE not in text
        assert EMAIL not in text
        assert "<PHONE_1>" not in caplog.text
    assert usage.cost == Decimal("0.5") * usage.tokens_in / 1000 + Decimal("1.5") * usage.tokens_out / 1000


def test_a_secret_pasted_into_a_prompt_never_reaches_the_model_and_is_stored_masked(member, chat, openai_server):
    with openai_upstream(openai_server):
        response = _complete(member, chat, f"Why does SLACK_BOT_TOKEN={SLACK_TOKEN} fail?")

    assert response.status_code == 200, response.content
    assert SLACK_TOKEN not in str(openai_server.requests[-1].body)
    stored = Message.objects.get(chat=chat, role="user").content
    assert SLACK_TOKEN not in stored
    assert "xoxb…(56 chars)" in stored


@pytest.mark.parametrize("stream", [False, True])
def test_a_secret_in_the_models_answer_is_redacted_even_across_stream_chunks(member, chat, openai_server, stream):
    openai_server.script(reply=f"Sure. Set SLACK_BOT_TOKEN={SLACK_TOKEN} in your environment and retry.", chunks=12)
    with openai_upstream(openai_server):
        response = _complete(member, chat, "How do I configure the bot?", stream=stream)
        events = _events(response) if stream else [("done", response.json())]

    answer = events[-1][1]["message"]["content"]
    streamed = "".join(data["content"] for kind, data in events if kind == "token")
    assert SLACK_TOKEN not in answer
    assert SLACK_TOKEN[:20] not in streamed
    assert "[redacted secrets]" in answer
    assert events[-1][1]["guardrail"]["redacted_answer"] == {"secrets": 1}
    assert SLACK_TOKEN not in Message.objects.get(chat=chat, role="assistant").content


def test_a_failing_provider_is_retried_with_backoff(member, chat, openai_server):
    openai_server.script(status=503, fail_first=2)
    with openai_upstream(openai_server, retries=2):
        response = _complete(member, chat, "hello")

    assert response.status_code == 200
    assert response.json()["message"]["content"] == "Echo: hello"
    assert len(openai_server.requests) == 3


def test_a_provider_still_down_falls_over_to_the_fallback_model(member, chat, openai_server):
    openai_server.script(status=500)
    with openai_upstream(openai_server, fallback="offline", retries=1):
        response = _complete(member, chat, "hello")

    assert response.status_code == 200
    assert response.json()["model"] == "offline"
    assert Message.objects.get(chat=chat, role="assistant").model == "offline"


@pytest.mark.parametrize("behaviour", [{"status": 500}, {"hang": True}, {"status": 400}])
def test_without_a_fallback_a_down_provider_is_a_503_and_the_question_is_kept(member, chat, openai_server, behaviour):
    openai_server.script(**behaviour)
    with openai_upstream(openai_server, retries=1), override_timeout():
        response = _complete(member, chat, "hello")

    assert response.status_code == 503, response.content
    assert response.json()["error_code"] == "PROVIDER_UNAVAILABLE"
    assert list(Message.objects.filter(chat=chat).values_list("role", flat=True)) == ["user"]
    assert not Usage.objects.exists()


def test_a_stream_broken_after_it_began_keeps_the_partial_answer_marked(member, chat, openai_server):
    openai_server.script(reply="one two three four five six seven eight nine ten eleven twelve", chunks=6,
                         malformed=True)  # fmt: skip
    with openai_upstream(openai_server):
        events = _events(_complete(member, chat, "count", stream=True))

    done = events[-1][1]
    assert events[-1][0] == "done"
    assert done["is_partial"]
    assert done["finish_reason"] == "error"
    stored = Message.objects.get(chat=chat, role="assistant")
    assert stored.is_partial
    assert stored.content == done["message"]["content"]
    assert len(openai_server.requests) == 1  # never retried: the client had seen the start


def override_timeout():
    from django.test import override_settings

    return override_settings(LLM_TIMEOUT_SECONDS=0.3)


@pytest.mark.parametrize("stream", [False, True])
def test_a_chat_through_anthropic_sends_its_system_prompt_and_records_usage(member, anthropic_server, stream):
    chat = ChatFactory(organization=member.organization, user=member.user, model="claude-test",
                       system_prompt="Answer in French.")  # fmt: skip
    with anthropic_upstream(anthropic_server):
        response = _complete(member, chat, f"Call {PHONE}", stream=stream)
        answer = _events(response)[-1][1] if stream else response.json()

    sent = anthropic_server.requests[-1].body
    assert "Answer in French." in str(sent["system"])
    assert PHONE not in str(sent)
    assert PHONE in answer["message"]["content"]
    usage = Usage.objects.get()
    assert (usage.provider, usage.model, usage.streamed) == ("anthropic", "claude-test", stream)
    assert usage.tokens_in > 0
