"""The OpenAI-compatible routes, mounted at `/v1/`."""

from django.urls import path

from chats.api import openai_compat as views

urlpatterns = [
    path("models", views.OpenAIModelListView.as_view(), name="openai-model-list"),
    path("chat/completions", views.OpenAIChatCompletionsView.as_view(), name="openai-chat-completions"),
    path("embeddings", views.OpenAIEmbeddingsView.as_view(), name="openai-embeddings"),
]
