"""The LLM gateway: providers (endpoints and keys, from the environment only), the models each
serves, retries and fallback. With nothing configured, the built-in offline provider answers."""

import os

from .env import env_list


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, str(default)))


def _provider_models(provider: str, names: list[str], context_window: int) -> list[dict]:
    return [
        {"id": name, "provider": provider, "context_window": context_window, "capabilities": ["chat", "stream"]}
        for name in names
    ]


LLM_PROVIDERS: dict[str, dict] = {
    # No network, no model: it answers from the retrieved documents and memories, and says so.
    "offline": {"backend": "chats.providers.offline.OfflineProvider"},
}
LLM_MODELS: list[dict] = [
    {
        "id": "offline",
        "name": "Offline (answers from your documents and memories)",
        "provider": "offline",
        "context_window": 8192,
        "capabilities": ["chat", "stream"],
    }
]

# Any OpenAI-compatible server: OpenAI, vLLM, Ollama (http://127.0.0.1:11434/v1), llama.cpp, LM Studio,
# Gemini's compatible endpoint. LLM_OPENAI_MODELS lists the model names it serves.
if os.environ.get("LLM_OPENAI_BASE_URL") or os.environ.get("LLM_OPENAI_API_KEY"):
    LLM_PROVIDERS["openai"] = {
        "backend": "chats.providers.openai_compat.OpenAICompatProvider",
        # Blank values count as unset; local servers (Ollama, vLLM) take any key.
        "base_url": os.environ.get("LLM_OPENAI_BASE_URL") or "https://api.openai.com/v1",
        "api_key": os.environ.get("LLM_OPENAI_API_KEY") or "none",
    }
    LLM_MODELS += _provider_models(
        "openai", env_list("LLM_OPENAI_MODELS", "gpt-4o-mini"), int(os.environ.get("LLM_OPENAI_CONTEXT", "128000"))
    )
if os.environ.get("LLM_ANTHROPIC_API_KEY"):
    LLM_PROVIDERS["anthropic"] = {
        "backend": "chats.providers.anthropic.AnthropicProvider",
        "base_url": os.environ.get("LLM_ANTHROPIC_BASE_URL") or "https://api.anthropic.com",
        "api_key": os.environ["LLM_ANTHROPIC_API_KEY"],
    }
    LLM_MODELS += _provider_models("anthropic", env_list("LLM_ANTHROPIC_MODELS", "claude-sonnet-4-5"), 200_000)

# The model a chat or completion gets when it names none, and the one tried when a model's provider
# is down after its retries (blank: answer 503 PROVIDER_UNAVAILABLE instead).
LLM_DEFAULT_MODEL = os.environ.get("LLM_DEFAULT_MODEL") or next(
    (model["id"] for model in LLM_MODELS if model["provider"] != "offline"), "offline"
)
LLM_FALLBACK_MODEL = os.environ.get("LLM_FALLBACK_MODEL", "")
# Timeouts, 5xx answers and broken streams are retried this many times, waiting 0.25 s, 0.5 s, ...
LLM_RETRIES = int(os.environ.get("LLM_RETRIES", "2"))
LLM_RETRY_BACKOFF_SECONDS = _float("LLM_RETRY_BACKOFF_SECONDS", 0.25)
LLM_TIMEOUT_SECONDS = _float("LLM_TIMEOUT_SECONDS", 60.0)
# The longest conversation a completion accepts, in messages and in characters of each message.
LLM_MAX_MESSAGES = int(os.environ.get("LLM_MAX_MESSAGES", "200"))
LLM_MAX_MESSAGE_CHARS = int(os.environ.get("LLM_MAX_MESSAGE_CHARS", "100000"))
# Messages one person may send over ws/chat/ sockets (all of theirs together), in django-ratelimit's
# notation; a socket refused CHAT_SOCKET_STRIKES times in a row is closed with 4429.
CHAT_SOCKET_MESSAGE_RATE = os.environ.get("CHAT_SOCKET_MESSAGE_RATE", "20/m")
CHAT_SOCKET_STRIKES = int(os.environ.get("CHAT_SOCKET_STRIKES", "3"))
