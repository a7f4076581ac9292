"""Point the gateway at a loopback OpenAI-compatible server, as an operator's settings would."""

from django.test import override_settings

from tests.fakes.llm_servers import AnthropicServer, OpenAIServer


def openai_upstream(server: OpenAIServer, *, fallback: str = "", retries: int = 2) -> override_settings:
    """Settings serving `gpt-test` from `server`, beside the offline model."""
    return override_settings(
        LLM_PROVIDERS={
            "offline": {"backend": "chats.providers.offline.OfflineProvider"},
            "openai": {
                "backend": "chats.providers.openai_compat.OpenAICompatProvider",
                "base_url": server.base_url,
                "api_key": server.api_key,
            },
        },
        LLM_MODELS=[
            {"id": "offline", "provider": "offline", "context_window": 8192},
            {
                "id": "gpt-test",
                "provider": "openai",
                "context_window": 16000,
                "price_in_per_1k": "0.5",
                "price_out_per_1k": "1.5",
            },
        ],  # fmt: skip
        LLM_DEFAULT_MODEL="gpt-test",
        LLM_FALLBACK_MODEL=fallback,
        LLM_RETRIES=retries,
        LLM_RETRY_BACKOFF_SECONDS=0.01,
        LLM_TIMEOUT_SECONDS=2.0,
    )


def anthropic_upstream(server: AnthropicServer) -> override_settings:
    """Settings serving `claude-test` from a loopback Anthropic server."""
    return override_settings(
        LLM_PROVIDERS={
            "anthropic": {
                "backend": "chats.providers.anthropic.AnthropicProvider",
                "base_url": server.base_url,
                "api_key": server.api_key,
            },
        },
        LLM_MODELS=[{"id": "claude-test", "provider": "anthropic", "context_window": 200_000}],
        LLM_DEFAULT_MODEL="claude-test",
        LLM_FALLBACK_MODEL="",
    )
