"""Chats in real Chromium, served by the ASGI application: a chat is started from the list, a question
is answered token by token over ws/chat/ by the offline model, and a jailbreak is refused inline with
the guardrails' verdict; the other tab of the same chat sees both without a reload."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chats.models import Chat, Message
from chats.providers.offline import NOTICE
from organizations.roles import Role
from tests.accounts.mfa import enrolled_user, totp_code
from tests.chats.factories import ChatFactory, SystemPromptFactory
from tests.chats.test_completions import JAILBREAK
from tests.e2e.asgi import asgi_serving
from tests.e2e.conftest import ARTIFACTS, screenshot, sign_in
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-ws")


@pytest.fixture
def site_url(live_server) -> Iterator[str]:
    with asgi_serving() as url:
        yield url


def _shot(page: Page, name: str) -> None:
    screenshot(page, name)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", SHOTS / f"{name}.png")


def test_a_question_streams_its_answer_and_a_jailbreak_is_blocked_inline(page: Page):
    ada = enrolled_user(email="ada@example.com", username="ada", full_name="Ada Lovelace")
    organization = OrganizationFactory(name="Initech")
    MembershipFactory(organization=organization, user=ada.user, role=Role.MEMBER)
    SystemPromptFactory(organization=organization, name="Support tone")
    ChatFactory(organization=organization, user=ada.user, title="Quarterly planning")
    sign_in(page, ada.user.email, totp_code(ada.device))

    page.get_by_role("link", name="Chats").click()
    expect(page.get_by_role("heading", name="Chats", exact=True)).to_be_visible()
    _shot(page, "chat-list")
    page.get_by_label("Title").fill("Refund policy")
    page.get_by_label("System prompt").select_option(label="Support tone")
    page.get_by_role("button", name="Start chat").click()
    expect(page.get_by_role("heading", name="Refund policy")).to_be_visible()
    chat = Chat.objects.get(title="Refund policy")
    other_tab = page.context.new_page()
    other_tab.goto(f"/chats/{chat.pk}/")
    for tab in (page, other_tab):
        expect(tab.locator("[data-chat-status]")).to_have_text("Live")
    _shot(page, "chat-new")

    page.get_by_label("Message").fill("What is our refund policy?")
    page.get_by_role("button", name="Send").click()

    answer = page.locator(".chat-message-assistant").last
    expect(answer).to_contain_text(NOTICE)
    expect(answer).not_to_have_class("chat-message-streaming")
    expect(page.locator(".chat-message-user")).to_contain_text("What is our refund policy?")
    expect(other_tab.locator(".chat-message-assistant")).to_contain_text(NOTICE)
    expect(page.get_by_role("button", name="Send")).to_be_enabled()

    page.get_by_label("Message").fill(JAILBREAK)
    page.keyboard.press("Enter")

    blocked = page.locator(".chat-message-blocked")
    expect(blocked).to_contain_text("Blocked by the guardrails: Jailbreak")
    expect(other_tab.locator(".chat-message-blocked")).to_contain_text("Blocked by the guardrails")
    expect(page.locator(".chat-message-assistant")).to_have_count(1)  # nothing was asked of the model
    _shot(page, "chat-streamed-and-blocked")
    stored = list(Message.objects.filter(chat=chat).values_list("role", "guardrail__action"))
    assert stored == [("user", "allow"), ("assistant", "allow"), ("user", "block")]

    page.reload()
    expect(page.locator(".chat-message-blocked")).to_contain_text("Blocked by the guardrails: Jailbreak")
    expect(page.locator(".chat-message-assistant")).to_contain_text(NOTICE)
    other_tab.close()
