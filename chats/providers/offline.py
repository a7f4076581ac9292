"""The built-in provider: no network and no model. It answers by quoting the retrieved context that
best matches the question, with citations, and says plainly that this is what it does, so that a
fresh install has a working, honest chat before anyone configures a model."""

import re
from collections.abc import AsyncIterator, Sequence

from chats.providers.base import (
    Completion,
    CompletionRequest,
    Delta,
    Passage,
    ProviderFailure,
    StreamEnd,
    StreamEvent,
    Usage,
    estimate_tokens,
)

NOTICE = "Offline answer (no language model is configured; this quotes your documents and memories)."
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n{2,}")
_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an and are as at be by can do does for from has have how i in is it me my of on or our so that the this "
        "to was we what when where which who why will with you your",
    )
)
QUOTED_PASSAGES = 3


def _terms(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS}


_HEADING = re.compile(r"^\s*#+\s.*$", re.MULTILINE)


def _best_sentences(passage: Passage, question_terms: set[str], *, limit: int = 2) -> str:
    # A Markdown heading names a section; quoted as a sentence it would read as "## Schedule The key...".
    prose = _HEADING.sub("", passage.text)
    sentences = [" ".join(part.split()) for part in _SENTENCE_END.split(prose) if part.strip()]
    if not sentences:
        return ""
    ranked = sorted(range(len(sentences)), key=lambda index: -len(_terms(sentences[index]) & question_terms))
    chosen = sorted(ranked[:limit])  # in the passage's own order, so the quote reads as written
    return " ".join(sentences[index] for index in chosen)


def offline_answer(question: str, passages: Sequence[Passage]) -> str:
    """The answer text: the best sentences of the top passages, each cited, then the sources."""
    if not passages:
        return (
            f"{NOTICE}\n\nNothing in your organization's documents or memories matches this question. "
            "Upload documents, turn on retrieval for this chat, or configure a model provider (README, Models)."
        )
    terms = _terms(question)
    quoted = passages[:QUOTED_PASSAGES]
    lines = [f"- {_best_sentences(passage, terms)} [{number}]" for number, passage in enumerate(quoted, 1)]
    sources = "; ".join(f"[{number}] {passage.source}" for number, passage in enumerate(quoted, 1))
    return f"{NOTICE}\n\n" + "\n".join(lines) + f"\n\nSources: {sources}"


def _question(request: CompletionRequest) -> str:
    return next((message.content for message in reversed(request.messages) if message.role == "user"), "")


def _usage(request: CompletionRequest, answer: str) -> Usage:
    return Usage(sum(estimate_tokens(message.content) for message in request.messages), estimate_tokens(answer))


class OfflineProvider:
    def __init__(self, *, name: str = "offline") -> None:
        self.name = name

    async def complete(self, request: CompletionRequest) -> Completion:
        answer = offline_answer(_question(request), request.passages)
        return Completion(answer, _usage(request, answer))

    async def stream(self, request: CompletionRequest) -> AsyncIterator[StreamEvent]:
        answer = offline_answer(_question(request), request.passages)
        # Word by word, as a model streams, so every client sees the same shape of stream.
        for piece in re.findall(r"\S+\s*|\s+", answer):
            yield Delta(piece)
        yield StreamEnd(_usage(request, answer))

    async def embed(self, texts: Sequence[str], *, model: str) -> list[list[float]]:
        raise ProviderFailure("The offline provider has no embeddings endpoint.", retryable=False)
