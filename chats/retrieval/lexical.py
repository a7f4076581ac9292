"""BM25 over a collection's chunks, through `bm25s`, with one tokenizer for chunks and queries: words
in lower case, English stop words out, Snowball stems (PyStemmer), so that "rotated" finds "rotation".
Stemming took BM25's recall@5 on the labelled set from 0.78 to 0.94 (docs/RAG.md)."""

import logging
import re
from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

# bm25s sets its own logger to DEBUG when imported, over the settings' LOGGING: a line per index built.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(STOPWORDS_EN)
_STEMMER = Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    return _STEMMER.stemWords([word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS])


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        self.bm25 = bm25s.BM25()
        if texts:
            # bm25s gives an empty document no row; a placeholder word keeps rows aligned with chunks.
            self.bm25.index([words(text) or [""] for text in texts], show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        known = [word for word in words(query) if word in getattr(self.bm25, "vocab_dict", {})]
        if not known or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return self.bm25.get_scores(known).astype(np.float32)
