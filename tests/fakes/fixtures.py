"""Loopback model servers as pytest fixtures, one per test so no script or record leaks between tests.
Import them into a conftest.py to use them."""

from collections.abc import Iterator

import pytest

from tests.fakes.llm_servers import AnthropicServer, OpenAIServer


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        yield server


@pytest.fixture
def anthropic_server() -> Iterator[AnthropicServer]:
    with AnthropicServer() as server:
        yield server
