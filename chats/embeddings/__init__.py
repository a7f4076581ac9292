"""Text embeddings behind one small interface, chosen by the `EMBEDDINGS_BACKEND` setting.

The default is a static model distilled from all-MiniLM-L6-v2 (static.py): a lookup and a mean per
text, with no torch and nothing downloaded at run time. docs/RAG.md compares the options.
"""

from collections.abc import Sequence
from functools import cache
from typing import Protocol

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string


class Embedder(Protocol):
    """Turns texts into vectors a cosine compares: `embed` answers float32 (len(texts), dimensions),
    each row of length 1 (or 0 for a text with nothing to embed)."""

    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@cache
def _embedder(path: str) -> Embedder:
    return import_string(path)()


def embedder() -> Embedder:
    """The configured embedder. Made once per process and path: the static model's tables take a
    moment to load, and its vectors must be the same for every request a process serves."""
    return _embedder(settings.EMBEDDINGS_BACKEND)


def normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)
