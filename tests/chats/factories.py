import factory
from factory.django import DjangoModelFactory

from chats.models import Chat, Message, SystemPrompt
from tests.organizations.factories import MembershipFactory, OrganizationFactory


class ChatFactory(DjangoModelFactory):
    """A chat of a member of its organization (the membership is made with it)."""

    class Meta:
        model = Chat

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.LazyAttribute(lambda chat: MembershipFactory(organization=chat.organization).user)
    title = "Planning"
    model = "offline"


class MessageFactory(DjangoModelFactory):
    class Meta:
        model = Message

    chat = factory.SubFactory(ChatFactory)
    role = Message.Role.USER
    content = "What is our refund policy?"


class SystemPromptFactory(DjangoModelFactory):
    class Meta:
        model = SystemPrompt

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Prompt {n}")
    content = "You are a careful assistant. Answer briefly."
