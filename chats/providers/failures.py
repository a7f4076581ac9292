"""What the vendors' HTTP answers mean to the gateway, shared by the OpenAI-compatible and Anthropic
providers: which failures are worth retrying, how a failure is described without leaking anything,
and the usage to count when a server reports none."""

import re
from collections.abc import Sequence

from chats.providers.base import Message, ProviderFailure, Usage, estimate_tokens

# A vendor's error type ("rate_limit_error", "invalid_request_error") says what went wrong without
# quoting anything; its message may quote the prompt or a masked key, so it never enters a reason.
_ERROR_TYPE = re.compile(r"[a-z][a-z0-9_.]{0,63}")


def status_failure(*, provider: str, status: int, error_type: object, started: bool = False) -> ProviderFailure:
    """The failure for an HTTP error answer. 408 and 429 mean "later", not "never"; any other 4xx
    refuses the request as sent, so sending it again changes nothing."""
    if status < 400:
        # The client reports an error event inside a stream with the stream's own status, 200.
        return stream_error_failure(provider=provider, error_type=error_type, started=started)
    retryable = not 400 <= status < 500 or status in (408, 429)
    return ProviderFailure(
        f"{provider}: HTTP {status}{_kind(error_type)}", retryable=retryable, status=status, started=started
    )


def stream_error_failure(*, provider: str, error_type: object, started: bool = False) -> ProviderFailure:
    """An error event inside a stream that had begun well (Anthropic's `overloaded_error` midway)."""
    return ProviderFailure(f"{provider}: error event in the stream{_kind(error_type)}", retryable=True, started=started)


def _kind(error_type: object) -> str:
    return f" ({error_type})" if isinstance(error_type, str) and _ERROR_TYPE.fullmatch(error_type) else ""


def timeout_failure(*, provider: str, timeout: float, started: bool = False) -> ProviderFailure:
    return ProviderFailure(f"{provider}: no answer within {timeout:g}s", retryable=True, started=started)


def connection_failure(*, provider: str, cause: BaseException | None, started: bool = False) -> ProviderFailure:
    # The cause's class (ConnectError, RemoteProtocolError) tells refused from cut short; its text
    # may carry the URL, which the operator configured and can read elsewhere.
    kind = f" ({type(cause).__name__})" if cause is not None else ""
    return ProviderFailure(f"{provider}: connection failed{kind}", retryable=True, started=started)


def malformed_failure(*, provider: str, what: str, started: bool = False) -> ProviderFailure:
    return ProviderFailure(f"{provider}: malformed answer: {what}", retryable=True, started=started)


def estimated_usage(messages: Sequence[Message], answer: str) -> Usage:
    return Usage(tokens_in=sum(estimate_tokens(m.content) for m in messages), tokens_out=estimate_tokens(answer))
