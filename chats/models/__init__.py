"""The chats app's models, one module per concern: conversations, the model registry, guardrail
policies, and the organization's knowledge (memories, collections, documents, chunks)."""

from chats.models.chats import Chat, Message, SystemPrompt
from chats.models.guardrails import GuardrailPolicy
from chats.models.knowledge import Chunk, Collection, Document, Memory
from chats.models.registry import ChatModel, OrganizationModel

__all__ = [
    "Chat",
    "ChatModel",
    "Chunk",
    "Collection",
    "Document",
    "GuardrailPolicy",
    "Memory",
    "Message",
    "OrganizationModel",
    "SystemPrompt",
]
