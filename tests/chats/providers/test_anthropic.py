import pytest

from chats.providers.anthropic import DEFAULT_MAX_TOKENS, AnthropicProvider
from chats.providers.base import CompletionRequest, Message, ProviderFailure, Usage, estimate_tokens
from tests.chats.providers.running import ask, complete, deltas_and_end, run, stream
from tests.fakes.llm_servers import word_count

ANSWER = "Paris is the capital"


@pytest.fixture
def provider(anthropic_server) -> AnthropicProvider:
    return AnthropicProvider(base_url=anthropic_server.base_url, api_key=anthropic_server.api_key)


def test_complete_returns_the_answer_and_the_reported_usage(provider, anthropic_server):
    anthropic_server.script(reply=ANSWER)

    completion = complete(provider, ask("which city", system="be brief"))

    assert completion.content == ANSWER
    assert completion.usage == Usage(tokens_in=word_count("be brief which city"), tokens_out=word_count(ANSWER))
    assert completion.finish_reason == "stop"


def test_system_messages_are_joined_into_the_system_parameter(provider, anthropic_server):
    request = CompletionRequest(
        model="claude-loopback",
        messages=[
            Message("system", "be brief"),
            Message("user", "hello"),
            Message("assistant", "hi"),
            Message("system", "cite sources"),
            Message("user", "which city"),
        ],
    )

    complete(provider, request)

    sent = anthropic_server.requests[-1].body
    assert sent["system"] == "be brief\n\ncite sources"
    assert sent["messages"] == [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "hi"},
        {"role": "user", "content": "which city"},
    ]


def test_max_tokens_defaults_and_temperature_is_left_out(provider, anthropic_server):
    complete(provider, ask(temperature=0.3))
    complete(provider, ask(max_tokens=64))

    first, second = (request.body for request in anthropic_server.requests)
    assert (first["max_tokens"], second["max_tokens"]) == (DEFAULT_MAX_TOKENS, 64)
    assert "temperature" not in first
    assert "system" not in first


def test_the_key_travels_in_x_api_key_with_the_api_version(provider, anthropic_server):
    complete(provider, ask())

    headers = anthropic_server.requests[-1].headers
    assert headers["x-api-key"] == anthropic_server.api_key
    assert headers["anthropic-version"]


def test_stream_deltas_make_the_answer_and_the_end_reports_usage(provider, anthropic_server):
    anthropic_server.script(reply=ANSWER, chunks=4)

    events = stream(provider, ask("which city"))

    text, end = deltas_and_end(events)
    assert text == ANSWER
    assert len(events) == 5
    assert end.usage == Usage(tokens_in=word_count("which city"), tokens_out=word_count(ANSWER))
    assert end.finish_reason == "stop"


def test_a_max_tokens_stop_is_said_as_length(provider, anthropic_server):
    anthropic_server.script(reply=ANSWER, finish="max_tokens")

    assert complete(provider, ask()).finish_reason == "length"
    assert deltas_and_end(stream(provider, ask()))[1].finish_reason == "length"


def test_missing_usage_gets_an_estimate(provider, anthropic_server):
    anthropic_server.script(reply=ANSWER, usage=False)
    estimate = Usage(tokens_in=estimate_tokens("which city"), tokens_out=estimate_tokens(ANSWER))

    assert complete(provider, ask("which city")).usage == estimate
    assert deltas_and_end(stream(provider, ask("which city")))[1].usage == estimate


@pytest.mark.parametrize("status", [500, 529, 429])
@pytest.mark.parametrize("call", [complete, stream])
def test_server_errors_overload_and_rate_limits_are_retryable(provider, anthropic_server, status, call):
    anthropic_server.script(status=status)

    with pytest.raises(ProviderFailure) as failure:
        call(provider, ask())

    assert (failure.value.retryable, failure.value.status, failure.value.started) == (True, status, False)


@pytest.mark.parametrize("call", [complete, stream])
def test_a_refused_request_is_not_retryable_and_its_reason_quotes_nothing_sent(provider, anthropic_server, call):
    anthropic_server.script(status=400)

    with pytest.raises(ProviderFailure) as failure:
        call(provider, ask())

    assert (failure.value.retryable, failure.value.status) == (False, 400)
    # The server's own message quoted the question; the reason does not.
    assert str(failure.value) == "anthropic: HTTP 400 (invalid_request_error)"
    assert failure.value.__cause__ is None


def test_a_wrong_key_is_not_retryable(anthropic_server):
    provider = AnthropicProvider(base_url=anthropic_server.base_url, api_key="sk-ant-wrong")

    with pytest.raises(ProviderFailure) as failure:
        complete(provider, ask())

    assert (failure.value.retryable, failure.value.status) == (False, 401)
    assert "sk-ant-wrong" not in failure.value.reason


@pytest.mark.parametrize("call", [complete, stream])
def test_a_server_that_never_answers_times_out_as_retryable(provider, anthropic_server, call):
    anthropic_server.script(hang=True)

    with pytest.raises(ProviderFailure) as failure:
        call(provider, ask(timeout=0.3))

    assert failure.value.retryable
    assert failure.value.reason == "anthropic: no answer within 0.3s"


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ({"malformed": True}, "anthropic: malformed answer: invalid JSON"),
        ({"drop": True}, "anthropic: connection failed (RemoteProtocolError)"),
        ({"unfinished": True}, "anthropic: malformed answer: the stream ended unfinished"),
    ],
)
def test_a_broken_stream_is_retryable_and_says_it_had_started(provider, anthropic_server, behaviour, reason):
    anthropic_server.script(reply=ANSWER, **behaviour)

    with pytest.raises(ProviderFailure) as failure:
        stream(provider, ask())

    assert (failure.value.retryable, failure.value.started) == (True, True)
    assert failure.value.reason == reason


def test_an_overload_midway_is_retryable_and_says_it_had_started(provider, anthropic_server):
    anthropic_server.script(reply=ANSWER, error_event="overloaded_error")

    with pytest.raises(ProviderFailure) as failure:
        stream(provider, ask())

    assert (failure.value.retryable, failure.value.started, failure.value.status) == (True, True, None)
    assert failure.value.reason == "anthropic: error event in the stream (overloaded_error)"


@pytest.mark.parametrize("behaviour", [{"malformed": True}, {"drop": True}])
def test_a_broken_answer_is_retryable(provider, anthropic_server, behaviour):
    anthropic_server.script(**behaviour)

    with pytest.raises(ProviderFailure) as failure:
        complete(provider, ask())

    assert (failure.value.retryable, failure.value.started) == (True, False)


def test_failing_the_first_requests_then_answering(provider, anthropic_server):
    anthropic_server.script(reply=ANSWER, fail_first=1)

    with pytest.raises(ProviderFailure) as failure:
        complete(provider, ask())

    assert failure.value.status == 503
    assert complete(provider, ask()).content == ANSWER


def test_there_are_no_embeddings(provider, anthropic_server):
    with pytest.raises(ProviderFailure) as failure:
        run(provider, provider.embed(["alpha"], model="any"))

    assert failure.value.retryable is False
    assert anthropic_server.requests == []
