"""An answer built from the top chunks themselves, with no model: the sentence of each that best
matches the question, each followed by its citation mark ("[1]"). The offline provider does the same
with the passages it is handed."""

import re
from collections.abc import Sequence

import numpy as np

from chats.embeddings import Embedder
from chats.retrieval.lexical import words

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Chunks quoted in an answer: more would repeat what the ranked list already shows.
QUOTED = 3
NO_ANSWER = "No passage in the collection answers this question."


def _best_sentence(text: str, *, question_vector: np.ndarray, question_words: set[str], embedder: Embedder) -> str:
    sentences = [
        part.strip() for part in _SENTENCE_END.split(text) if len(part.split()) >= 3 and not part.startswith("#")
    ]
    if not sentences:
        return text.strip()
    meaning = embedder.embed(sentences) @ question_vector
    overlap = np.array([len(question_words & set(words(s))) / (len(question_words) or 1) for s in sentences])
    return sentences[int(np.argmax(meaning + overlap))]


def extractive_answer(*, question: str, texts: Sequence[str], embedder: Embedder) -> str:
    if not texts:
        return NO_ANSWER
    question_vector = embedder.embed([question])[0]
    question_words = set(words(question))
    quoted = []
    for n, text in enumerate(texts[:QUOTED], start=1):
        best = _best_sentence(text, question_vector=question_vector, question_words=question_words, embedder=embedder)
        quoted.append(f"{best} [{n}]")
    return " ".join(quoted)
