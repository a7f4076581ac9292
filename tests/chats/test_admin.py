import pytest
from django.urls import reverse

from chats import registry
from chats.models import ChatModel
from tests.accounts.factories import UserFactory
from tests.accounts.mfa import session_login
from tests.chats.factories import ChatFactory, MessageFactory
from tests.organizations.factories import OrganizationFactory


@pytest.fixture
def operator(client, db):
    session_login(client, UserFactory(is_staff=True, is_superuser=True))
    return client


def test_operators_see_who_chats_and_how_much_but_never_what_was_said(operator):
    chat = ChatFactory()
    MessageFactory(chat=chat, content="my private question about the merger")

    listing = operator.get(reverse("admin:chats_chat_changelist"))
    detail = operator.get(reverse("admin:chats_chat_change", args=[chat.pk]))

    assert (listing.status_code, detail.status_code) == (200, 200)
    assert chat.user.email in listing.content.decode()
    for page in (listing, detail):
        assert "merger" not in page.content.decode()


def test_a_model_an_operator_adds_in_the_admin_is_offered_to_organizations(operator):
    organization = OrganizationFactory()

    response = operator.post(
        reverse("admin:chats_chatmodel_add"),
        {
            "model_id": "llama3.1",
            "provider": "offline",
            "context_window": 8192,
            "capabilities": "[]",
            "price_in_per_1k": "0",
            "price_out_per_1k": "0",
            "is_enabled": "on",
        },  # fmt: skip
    )

    assert response.status_code == 302, response.content
    assert ChatModel.objects.filter(model_id="llama3.1").exists()
    assert "llama3.1" in [spec.id for spec in registry.registry_models(organization)]


def test_operators_read_usage_and_cannot_edit_it(operator):
    response = operator.get(reverse("admin:billing_usage_changelist"))

    assert response.status_code == 200
    assert operator.get(reverse("admin:billing_usage_add")).status_code == 403
