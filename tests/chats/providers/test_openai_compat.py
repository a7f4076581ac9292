import asyncio

import pytest

from chats.providers.base import ProviderFailure, Usage, estimate_tokens
from chats.providers.openai_compat import OpenAICompatProvider
from tests.chats.providers.running import ask, complete, deltas_and_end, run, stream
from tests.fakes.llm_servers import OpenAIServer, embedding_of, word_count

ANSWER = "The answer is forty two"


@pytest.fixture
def provider(openai_server) -> OpenAICompatProvider:
    return OpenAICompatProvider(base_url=openai_server.base_url, api_key=openai_server.api_key)


def test_complete_returns_the_answer_and_the_reported_usage(provider, openai_server):
    openai_server.script(reply=ANSWER)

    completion = complete(provider, ask("how many", system="be brief"))

    assert completion.content == ANSWER
    assert completion.usage == Usage(tokens_in=word_count("be brief how many"), tokens_out=word_count(ANSWER))
    assert completion.finish_reason == "stop"


def test_the_request_carries_messages_settings_and_the_key_as_a_bearer_token(provider, openai_server):
    complete(provider, ask("hello", system="be brief", temperature=0.2, max_tokens=50))

    sent = openai_server.requests[-1]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {openai_server.api_key}"
    assert sent.body["messages"] == [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello"}]
    assert (sent.body["model"], sent.body["temperature"], sent.body["max_tokens"]) == ("loopback-chat", 0.2, 50)


def test_the_default_answer_echoes_the_question_so_requests_differ(provider):
    assert complete(provider, ask("first")).content == "Echo: first"
    assert complete(provider, ask("second")).content == "Echo: second"


def test_calls_on_one_provider_share_a_kept_alive_connection(provider, openai_server):
    async def twice() -> None:
        await provider.complete(ask("one"))
        await provider.complete(ask("two"))

    run(provider, twice())

    assert [request.connection for request in openai_server.requests] == [1, 1]


def test_stream_deltas_make_the_answer_and_the_end_reports_usage(provider, openai_server):
    openai_server.script(reply=ANSWER, chunks=4)

    events = stream(provider, ask("how many"))

    text, end = deltas_and_end(events)
    assert text == ANSWER
    assert len(events) == 5
    assert end.usage == Usage(tokens_in=word_count("how many"), tokens_out=word_count(ANSWER))
    assert end.finish_reason == "stop"
    assert openai_server.requests[-1].body["stream_options"] == {"include_usage": True}


def test_a_length_finish_is_passed_on(provider, openai_server):
    openai_server.script(reply=ANSWER, finish="length")

    assert complete(provider, ask()).finish_reason == "length"
    assert deltas_and_end(stream(provider, ask()))[1].finish_reason == "length"


def test_a_server_reporting_no_usage_gets_an_estimate(provider, openai_server):
    openai_server.script(reply=ANSWER, usage=False)
    estimate = Usage(tokens_in=estimate_tokens("how many"), tokens_out=estimate_tokens(ANSWER))

    assert complete(provider, ask("how many")).usage == estimate
    assert deltas_and_end(stream(provider, ask("how many")))[1].usage == estimate


@pytest.mark.parametrize("status", [500, 503, 429])
@pytest.mark.parametrize("call", [complete, stream])
def test_server_errors_and_rate_limits_are_retryable(provider, openai_server, status, call):
    openai_server.script(status=status)

    with pytest.raises(ProviderFailure) as failure:
        call(provider, ask())

    assert (failure.value.retryable, failure.value.status, failure.value.started) == (True, status, False)


@pytest.mark.parametrize("call", [complete, stream])
def test_a_refused_request_is_not_retryable_and_its_reason_quotes_nothing_sent(provider, openai_server, call):
    openai_server.script(status=400)

    with pytest.raises(ProviderFailure) as failure:
        call(provider, ask())

    assert (failure.value.retryable, failure.value.status) == (False, 400)
    # The server's own message quoted the question; the reason does not.
    assert str(failure.value) == "openai_compat: HTTP 400 (invalid_request_error)"
    assert failure.value.__cause__ is None


def test_a_wrong_key_is_not_retryable_and_the_key_stays_out_of_the_reason(openai_server):
    provider = OpenAICompatProvider(base_url=openai_server.base_url, api_key="sk-wrong-key-1234")

    with pytest.raises(ProviderFailure) as failure:
        complete(provider, ask())

    assert (failure.value.retryable, failure.value.status) == (False, 401)
    assert "sk-wrong" not in failure.value.reason
    assert failure.value.__cause__ is None


@pytest.mark.parametrize("call", [complete, stream])
def test_a_server_that_never_answers_times_out_as_retryable(provider, openai_server, call):
    openai_server.script(hang=True)

    with pytest.raises(ProviderFailure) as failure:
        call(provider, ask(timeout=0.3))

    assert failure.value.retryable
    assert failure.value.reason == "openai_compat: no answer within 0.3s"


def test_a_stream_that_stalls_midway_times_out_as_started(provider, openai_server):
    openai_server.script(reply=ANSWER, chunks=3, delay=2.0)

    with pytest.raises(ProviderFailure) as failure:
        stream(provider, ask(timeout=0.3))

    assert (failure.value.retryable, failure.value.started) == (True, True)


def test_a_malformed_stream_is_retryable_and_says_it_had_started(provider, openai_server):
    openai_server.script(reply=ANSWER, malformed=True)

    with pytest.raises(ProviderFailure) as failure:
        stream(provider, ask())

    assert (failure.value.retryable, failure.value.started) == (True, True)
    assert failure.value.reason == "openai_compat: malformed answer: invalid JSON"


def test_a_malformed_answer_is_retryable(provider, openai_server):
    openai_server.script(malformed=True)

    with pytest.raises(ProviderFailure) as failure:
        complete(provider, ask())

    assert (failure.value.retryable, failure.value.started) == (True, False)


def test_a_chunk_without_choices_is_malformed(provider, openai_server):
    openai_server.script(reply=ANSWER, extra_chunk={"id": "chatcmpl-1", "object": "chat.completion.chunk"})

    with pytest.raises(ProviderFailure) as failure:
        stream(provider, ask())

    assert (failure.value.retryable, failure.value.started) == (True, True)
    assert failure.value.reason == "openai_compat: malformed answer: a chunk without choices"


def test_a_stream_that_ends_without_a_finish_is_retryable(provider, openai_server):
    openai_server.script(reply=ANSWER, unfinished=True)

    with pytest.raises(ProviderFailure) as failure:
        stream(provider, ask())

    assert (failure.value.retryable, failure.value.started) == (True, True)


def test_a_connection_dropped_midstream_is_retryable_and_started(provider, openai_server):
    openai_server.script(reply=ANSWER, drop=True)

    with pytest.raises(ProviderFailure) as failure:
        stream(provider, ask())

    assert (failure.value.retryable, failure.value.started) == (True, True)
    assert failure.value.reason.startswith("openai_compat: connection failed")


def test_a_connection_dropped_before_answering_is_retryable(provider, openai_server):
    openai_server.script(drop=True)

    with pytest.raises(ProviderFailure) as failure:
        complete(provider, ask())

    assert (failure.value.retryable, failure.value.started) == (True, False)


def test_a_refused_connection_is_retryable():
    with OpenAIServer() as gone:
        base_url = gone.base_url  # nothing listens there once the server has stopped
    provider = OpenAICompatProvider(base_url=base_url, api_key="sk-test")

    with pytest.raises(ProviderFailure) as failure:
        complete(provider, ask())

    assert failure.value.retryable
    assert failure.value.reason == "openai_compat: connection failed (ConnectError)"


def test_failing_the_first_requests_then_answering(provider, openai_server):
    openai_server.script(reply=ANSWER, status=500, fail_first=2)

    for _ in range(2):
        with pytest.raises(ProviderFailure):
            complete(provider, ask())

    assert complete(provider, ask()).content == ANSWER


def test_embeddings_come_back_in_order_as_floats(provider, openai_server):
    vectors = run(provider, provider.embed(["alpha", "beta"], model="loopback-embed"))

    assert vectors == [embedding_of("alpha"), embedding_of("beta")]
    sent = openai_server.requests[-1]
    assert (sent.path, sent.body["input"], sent.body["encoding_format"]) == (
        "/v1/embeddings",
        ["alpha", "beta"],
        "float",
    )


def test_an_embedding_failure_is_a_provider_failure(provider, openai_server):
    openai_server.script(status=404)

    with pytest.raises(ProviderFailure) as failure:
        run(provider, provider.embed(["alpha"], model="missing"))

    assert (failure.value.retryable, failure.value.status) == (False, 404)


def test_the_fake_server_lists_its_models(openai_server):
    import openai

    async def models() -> list[str]:
        async with openai.AsyncOpenAI(base_url=openai_server.base_url, api_key=openai_server.api_key) as client:
            return [model.id async for model in client.models.list()]

    assert asyncio.run(models()) == ["loopback-chat"]
