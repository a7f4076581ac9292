"""The organization's knowledge: embeddings, document uploads and retrieval (docs/RAG.md)."""

import os

from .env import BASE_DIR

# A dotted path to an embedder (chats.embeddings.Embedder). The default ships in the repository.
EMBEDDINGS_BACKEND = os.environ.get("EMBEDDINGS_BACKEND", "chats.embeddings.static.StaticEmbedder")
# For chats.embeddings.provider.ProviderEmbedder: a provider class, its model and the vectors' width.
EMBEDDINGS_PROVIDER = os.environ.get("EMBEDDINGS_PROVIDER", "")
EMBEDDINGS_MODEL = os.environ.get("EMBEDDINGS_MODEL", "text-embedding-3-small")
EMBEDDINGS_DIMENSIONS = int(os.environ.get("EMBEDDINGS_DIMENSIONS", "1536"))
# For chats.embeddings.full.FullMiniLMEmbedder: the folder with all-MiniLM-L6-v2's safetensors and tokenizer.
EMBEDDINGS_MINILM_DIR = os.environ.get("EMBEDDINGS_MINILM_DIR", str(BASE_DIR / "var" / "all-minilm-l6-v2"))

# Uploads: a document's file or body, in bytes, and the chunks it may be cut into.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
DOCUMENT_MAX_CHUNKS = int(os.environ.get("DOCUMENT_MAX_CHUNKS", "5000"))

# How much a memory's importance counts beside its meaning when memories are ranked (0..1).
MEMORY_IMPORTANCE_WEIGHT = float(os.environ.get("MEMORY_IMPORTANCE_WEIGHT", "0.2"))
