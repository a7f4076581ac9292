"""The full all-MiniLM-L6-v2 (numpy forward pass, chats.embeddings.bert) as an embedder: the quality
the static model is measured against. It reads the package's weights from `EMBEDDINGS_MINILM_DIR`
(model.safetensors and tokenizer.json) and needs `safetensors`; the shipped default needs neither."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from django.conf import settings
from tokenizers import Tokenizer

from chats.embeddings import normalised
from chats.embeddings.bert import MiniLM

# What sentence-transformers cuts all-MiniLM-L6-v2's input to (its sentence_bert_config.json).
MAX_SEQUENCE = 256
BATCH = 16


class FullMiniLMEmbedder:
    name = "all-minilm-l6-v2"
    dimensions = 384

    def __init__(self, folder: Path | None = None) -> None:
        folder = Path(folder or settings.EMBEDDINGS_MINILM_DIR)
        self.model = MiniLM(folder / "model.safetensors")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_SEQUENCE)
        self.tokenizer.enable_padding()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        # Batched by length, so that a batch is padded to its own longest text rather than to another's.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            encodings = self.tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
            mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
            out[rows] = self.model.mean_pooled(ids, mask)
        return normalised(out)
