from tests.fakes.fixtures import anthropic_server, openai_server  # noqa: F401 (fixtures for the chats tests)
