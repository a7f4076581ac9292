"""The default embedder: all-MiniLM-L6-v2 distilled into one vector per vocabulary token
(scripts/build_static_embeddings.py). A text's vector is the mean of its tokens' vectors.

Own code rather than model2vec's StaticModel: that package needs huggingface-hub 1.x, jinja2,
joblib and tqdm for a lookup and a mean that take twenty lines on `tokenizers` and numpy.
"""

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from chats.embeddings import normalised

DATA = Path(__file__).resolve().parent / "data"
# A bound on the work one text costs; retrieval's chunks hold a few hundred tokens.
MAX_TOKENS = 2048


class StaticEmbedder:
    def __init__(self, folder: Path = DATA) -> None:
        tables = (folder / "vectors.npz").read_bytes()
        # A rebuilt model is another embedder: vectors stored by the old tables are then found stale.
        self.name = f"static-minilm-l6-v2@{hashlib.sha256(tables).hexdigest()[:12]}"
        stored = np.load(io.BytesIO(tables))
        self.vectors = stored["vectors"].astype(np.float32) * stored["scales"][:, None]
        self.dimensions = int(self.vectors.shape[1])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [encoding.ids[:MAX_TOKENS] for encoding in encodings]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        sums = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, ids in enumerate(self.token_ids(texts)):
            if ids:
                sums[row] = self.vectors[ids].mean(axis=0)
        return normalised(sums)
