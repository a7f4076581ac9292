"""Models operators add in the Django admin, beside those the settings declare (chats.registry)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from organizations.models import Organization, TenantQuerySet

MODEL_ID_RULE = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$", "Letters, digits and . _ : / - only.")


class ChatModel(models.Model):
    class Capability(models.TextChoices):
        CHAT = "chat", "Chat"
        STREAM = "stream", "Streaming"
        EMBEDDINGS = "embeddings", "Embeddings"

    model_id = models.CharField(max_length=100, unique=True, validators=[MODEL_ID_RULE])
    name = models.CharField(max_length=120, blank=True)
    # A key of settings.LLM_PROVIDERS, where the endpoint and its credentials live: never in the database.
    provider = models.CharField(max_length=40)
    upstream_model = models.CharField(max_length=200, blank=True, help_text="The provider's name; the id if blank.")
    context_window = models.PositiveIntegerField(default=8192, validators=[MinValueValidator(256)])
    capabilities = models.JSONField(default=list, blank=True)
    price_in_per_1k = models.DecimalField(max_digits=10, decimal_places=6, default=Decimal(0))
    price_out_per_1k = models.DecimalField(max_digits=10, decimal_places=6, default=Decimal(0))
    fallback_model_id = models.CharField(max_length=100, blank=True, help_text="Tried when this one is down.")
    is_enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["model_id"]

    def __str__(self) -> str:
        return self.model_id

    def clean(self) -> None:
        # A provider the settings do not configure would drop the model from every list without a word.
        if self.provider not in settings.LLM_PROVIDERS:
            configured = ", ".join(sorted(settings.LLM_PROVIDERS))
            raise ValidationError({"provider": f"Not a configured provider. Configured: {configured}."})


class OrganizationModel(models.Model):
    """An organization's own switch for one registry model (every model is on until switched off)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="model_switches")
    model_id = models.CharField(max_length=100)
    is_enabled = models.BooleanField(default=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "model_id"], name="organization_model_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} {'on' if self.is_enabled else 'off'} in {self.organization_id}"
