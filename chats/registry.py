"""The model registry: what the settings declare, plus what operators add in the Django admin (a row
of the same id replaces the settings' entry), minus what an organization switched off.

Providers are made once per process and configuration; each keeps its HTTP clients per event loop.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.module_loading import import_string

from chats.models import ChatModel, OrganizationModel
from chats.providers.base import Provider
from core.exceptions import ValidationFailed
from organizations.models import Organization


@dataclass(frozen=True)
class ModelSpec:
    id: str
    provider: str
    name: str = ""
    upstream_model: str = ""
    context_window: int = 8192
    capabilities: tuple[str, ...] = ("chat", "stream")
    price_in_per_1k: Decimal = Decimal(0)
    price_out_per_1k: Decimal = Decimal(0)
    fallback_model_id: str = ""
    enabled: bool = field(default=True, compare=False)

    @property
    def upstream(self) -> str:
        return self.upstream_model or self.id

    def cost(self, *, tokens_in: int, tokens_out: int) -> Decimal:
        return (self.price_in_per_1k * tokens_in + self.price_out_per_1k * tokens_out) / 1000


def _from_settings(entry: dict) -> ModelSpec:
    prices = {key: Decimal(str(entry[key])) for key in ("price_in_per_1k", "price_out_per_1k") if key in entry}
    return ModelSpec(
        id=entry["id"],
        provider=entry["provider"],
        name=entry.get("name", ""),
        upstream_model=entry.get("upstream_model", ""),
        context_window=entry.get("context_window", 8192),
        capabilities=tuple(entry.get("capabilities", ("chat", "stream"))),
        fallback_model_id=entry.get("fallback_model_id", ""),
        **prices,
    )


def _from_row(row: ChatModel) -> ModelSpec:
    return ModelSpec(
        id=row.model_id,
        provider=row.provider,
        name=row.name,
        upstream_model=row.upstream_model,
        context_window=row.context_window,
        capabilities=tuple(row.capabilities or ("chat", "stream")),
        price_in_per_1k=row.price_in_per_1k,
        price_out_per_1k=row.price_out_per_1k,
        fallback_model_id=row.fallback_model_id,
        enabled=row.is_enabled,
    )


# The admin's rows and each organization's switches are read on every completion; they are kept in the
# cache (Redis in production, shared by every process) and dropped from it whenever one changes.
ROWS_KEY = "chats:registry:rows"
CACHED_SECONDS = 300


def _switches_key(organization_id: object) -> str:
    return f"chats:registry:switches:{organization_id}"


def _cached(organization: Organization | None) -> tuple[list[ModelSpec], dict[str, bool]]:
    keys = [ROWS_KEY] + ([_switches_key(organization.pk)] if organization is not None else [])
    found = cache.get_many(keys)
    rows = found.get(ROWS_KEY)
    if rows is None:
        rows = [_from_row(row) for row in ChatModel.objects.all()]
        cache.set(ROWS_KEY, rows, CACHED_SECONDS)
    if organization is None:
        return rows, {}
    switched = found.get(_switches_key(organization.pk))
    if switched is None:
        switched = dict(OrganizationModel.objects.in_organization(organization).values_list("model_id", "is_enabled"))
        cache.set(_switches_key(organization.pk), switched, CACHED_SECONDS)
    return rows, switched


@receiver([post_save, post_delete], sender=ChatModel)
def _forget_rows(**kwargs: object) -> None:
    cache.delete(ROWS_KEY)


@receiver([post_save, post_delete], sender=OrganizationModel)
def _forget_switches(*, instance: OrganizationModel, **kwargs: object) -> None:
    cache.delete(_switches_key(instance.organization_id))


def registry_models(organization: Organization | None = None) -> list[ModelSpec]:
    """Every model an organization may use (every enabled one with a configured provider, without one)."""
    rows, switched = _cached(organization)
    specs = {entry["id"]: _from_settings(entry) for entry in settings.LLM_MODELS}
    specs.update({spec.id: spec for spec in rows})
    return [
        spec
        for spec in specs.values()
        if spec.enabled and spec.provider in settings.LLM_PROVIDERS and switched.get(spec.id, True)
    ]


def registry_model(organization: Organization, model_id: str | None, *, field_name: str = "model") -> ModelSpec:
    """The model a request names (the default when it names none), or 422 naming the models it may use."""
    return registry_candidates(organization, model_id, field_name=field_name)[0]


def registry_candidates(
    organization: Organization, model_id: str | None, *, field_name: str = "model"
) -> list[ModelSpec]:
    """The model a request names, then the one tried when its provider stays down (its own fallback,
    else the deployment's), read from one look at the registry."""
    wanted = model_id or settings.LLM_DEFAULT_MODEL
    available = {spec.id: spec for spec in registry_models(organization)}
    spec = available.get(wanted)
    if spec is None:
        names = ", ".join(available) or "none"
        raise ValidationFailed(errors={field_name: [f"Unknown or disabled model. Available: {names}."]})
    fallback = available.get(spec.fallback_model_id or settings.LLM_FALLBACK_MODEL)
    return [spec, fallback] if fallback is not None and fallback.id != spec.id else [spec]


_providers: dict[str, Provider] = {}


def provider_for(spec: ModelSpec) -> Provider:
    """The provider serving `spec`, made once: its connection pools are reused by every request."""
    if spec.provider not in _providers:
        config = dict(settings.LLM_PROVIDERS[spec.provider])
        backend = import_string(config.pop("backend"))
        _providers[spec.provider] = backend(name=spec.provider, **config)
    return _providers[spec.provider]


@receiver(setting_changed)
def _forget_providers(*, setting: str, **kwargs: object) -> None:
    # Tests point providers at new loopback servers; a provider made before would keep the old address.
    if setting == "LLM_PROVIDERS":
        _providers.clear()
