"""The one small interface every chat model provider implements.

Providers are asynchronous: the gateway streams tokens on the event loop, and a provider waiting on a
slow model must not hold a thread. A provider knows nothing of Django, organizations or storage; it
turns messages into text and reports what it cost in tokens.
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Passage:
    """A piece of retrieved context (a document chunk or a memory) with the label a citation shows."""

    source: str
    text: str


@dataclass(frozen=True)
class CompletionRequest:
    """What one call to a provider asks for. `model` is the provider's own name for the model."""

    model: str
    messages: Sequence[Message]
    temperature: float | None = None
    max_tokens: int | None = None
    # Retrieved context, already placed in `messages` by the gateway; the offline provider, which has
    # no model to read the prompt, answers from it directly.
    passages: Sequence[Passage] = ()
    timeout: float = 60.0


@dataclass(frozen=True)
class Usage:
    tokens_in: int
    tokens_out: int


@dataclass(frozen=True)
class Completion:
    content: str
    usage: Usage
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Delta:
    """A piece of a streamed answer."""

    content: str


@dataclass(frozen=True)
class StreamEnd:
    """The last event of a stream: why it stopped and what it cost."""

    usage: Usage
    finish_reason: str = "stop"


StreamEvent = Delta | StreamEnd


@dataclass
class ProviderFailure(Exception):
    """The provider could not answer. `retryable` failures (timeouts, 5xx, a malformed or broken
    stream, refused connections) are retried with backoff and then fall over; the others (the request
    itself was refused: 400, 401, 404) are not, since sending it again changes nothing."""

    reason: str
    retryable: bool = True
    status: int | None = None
    # True once a stream has sent at least one delta: a retry would repeat text the client has seen.
    started: bool = field(default=False)

    def __str__(self) -> str:
        return self.reason


class Provider(Protocol):
    """One configured endpoint (an OpenAI-compatible server, Anthropic, or the offline answerer)."""

    name: str

    async def complete(self, request: CompletionRequest) -> Completion: ...

    def stream(self, request: CompletionRequest) -> AsyncIterator[StreamEvent]:
        """Deltas, then exactly one StreamEnd; raises ProviderFailure when the stream breaks."""
        ...

    async def embed(self, texts: Sequence[str], *, model: str) -> list[list[float]]:
        """Embeddings from the provider's endpoint, where it has one; ProviderFailure otherwise."""
        ...


def estimate_tokens(text: str) -> int:
    """A provider-independent token count for when an endpoint reports none (a stream cut short, a
    server without usage): about four characters a token, as OpenAI's own rule of thumb has it.
    Counting exactly would need each vendor's tokenizer, which would be downloaded at run time."""
    return (len(text) + 3) // 4 if text else 0
