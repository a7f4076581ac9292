"""A chat provider's embeddings endpoint as an embedder (`EMBEDDINGS_BACKEND =
"chats.embeddings.provider.ProviderEmbedder"`): an OpenAI-compatible server's /embeddings, say.
The provider and model come from `EMBEDDINGS_PROVIDER` and `EMBEDDINGS_MODEL`; the width from the
first answer, since a provider's model decides it."""

from collections.abc import Sequence

import numpy as np
from asgiref.sync import async_to_sync
from django.conf import settings
from django.utils.module_loading import import_string

from chats.embeddings import normalised
from chats.providers.base import Provider, ProviderFailure
from core.providers import ProviderUnavailable


class ProviderEmbedder:
    def __init__(self, provider: Provider | None = None, model: str | None = None) -> None:
        self.provider = provider or import_string(settings.EMBEDDINGS_PROVIDER)()
        self.model = model or settings.EMBEDDINGS_MODEL
        self.name = f"{self.provider.name}:{self.model}"
        self.dimensions = int(settings.EMBEDDINGS_DIMENSIONS)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        try:
            rows = async_to_sync(self.provider.embed)(list(texts), model=self.model)
        except ProviderFailure as failure:
            raise ProviderUnavailable(f"The embeddings provider failed: {failure}") from None
        vectors = np.asarray(rows, dtype=np.float32)
        if vectors.shape != (len(texts), self.dimensions):
            raise ProviderUnavailable(f"The embeddings provider answered {vectors.shape}, not {self.dimensions} wide.")
        return normalised(vectors)
