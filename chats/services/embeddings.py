"""Embeddings on request (`/v1/embeddings`): the deployment's embedder, metered like a completion."""

import time
from typing import Any

import numpy as np

from billing.models import Usage
from billing.usage import usage_record
from chats.embeddings import Embedder, embedder
from chats.providers.base import estimate_tokens
from core.exceptions import ResourceNotFound
from organizations.access import organization_action_require
from organizations.models import Organization
from organizations.roles import Action


def embedder_named(model: str) -> Embedder:
    """The configured embedder when `model` names it, else 404 (as OpenAI answers an unknown model)."""
    current = embedder()
    if model != current.name:
        raise ResourceNotFound(
            f"The embedding model `{model}` does not exist; this deployment serves `{current.name}`."
        )
    return current


def embeddings_create(*, actor: Any, organization: Organization, embedder: Embedder, texts: list[str]) -> np.ndarray:
    organization_action_require(actor=actor, organization=organization, action=Action.CHAT_USE)
    started = time.perf_counter()
    vectors = embedder.embed(texts)
    usage_record(
        organization=organization,
        actor=actor,
        model=embedder.name,
        provider="bastion",
        tokens_in=sum(estimate_tokens(text) for text in texts),
        tokens_out=0,
        cost=0,
        latency_ms=int((time.perf_counter() - started) * 1000),
        streamed=False,
        kind=Usage.Kind.EMBEDDING,
    )
    return vectors
