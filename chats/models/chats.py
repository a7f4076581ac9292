"""Conversations: a chat belongs to one person in one organization, and only that person reads it."""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.tenancy import ScopedQuerySet
from organizations.models import Organization, TenantQuerySet

if TYPE_CHECKING:
    from organizations.models import Actor


class OwnedQuerySet(ScopedQuerySet):
    """Rows one person owns inside an organization (chats, memories)."""

    def visible_to(self, actor: "Actor") -> "OwnedQuerySet":
        # The owner's alone: other members, admins and API keys of the organization never read them,
        # and the owner stops reading them on leaving the organization.
        if getattr(actor, "is_api_key", False) or not getattr(actor, "is_authenticated", False):
            return self.none()
        return self.filter(user=actor, organization__in=Organization.objects.visible_to(actor).values("pk"))

    def in_organization(self, organization: "Organization | uuid.UUID") -> "OwnedQuerySet":
        return self.filter(organization=organization)


class SystemPrompt(models.Model):
    """One entry of an organization's library of system prompts, selectable per chat."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="system_prompts")
    name = models.CharField(max_length=120)
    content = models.TextField(max_length=20_000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="system_prompt_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Chat(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="chats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chats")
    title = models.CharField(max_length=200, blank=True)
    # A registry id (chats.registry), kept as text: a model removed from the registry leaves its chats readable.
    model = models.CharField(max_length=100)
    # The chat's own instructions; `system_prompt_ref` picks one from the organization's library instead.
    system_prompt = models.TextField(blank=True, max_length=20_000)
    system_prompt_ref = models.ForeignKey(
        SystemPrompt, null=True, blank=True, on_delete=models.SET_NULL, related_name="chats"
    )
    metadata = models.JSONField(default=dict, blank=True)
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "organization", "-updated_at"], name="chat_owner_recent")]

    def __str__(self) -> str:
        return self.title or f"Chat {self.pk}"

    @property
    def instructions(self) -> str:
        """The system prompt the model gets: the library entry when one is chosen, else the chat's own."""
        return self.system_prompt_ref.content if self.system_prompt_ref else self.system_prompt


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", "User"
        ASSISTANT = "assistant", "Assistant"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=Role.choices)
    # What the person wrote and what they were answered, never the redacted text the provider saw.
    content = models.TextField()
    model = models.CharField(max_length=100, blank=True)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    # The guardrails' verdict: {"action", "categories", "scores"}; never the values they redacted.
    guardrail = models.JSONField(default=dict, blank=True)
    finish_reason = models.CharField(max_length=20, blank=True)
    # The answer was cut short (the client left mid-stream, or the provider failed after it began).
    is_partial = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["chat", "created_at"], name="message_chat_order")]

    def __str__(self) -> str:
        return f"{self.role} message in {self.chat_id}"

    @property
    def tokens_used(self) -> int:
        return self.tokens_in + self.tokens_out
