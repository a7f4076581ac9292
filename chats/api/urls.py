from django.urls import include, path

from chats.api import views

urlpatterns = [
    path("models", views.ModelListView.as_view(), name="model-list"),
    path("models/generate", views.ModelGenerateView.as_view(), name="model-generate"),
    path("chats", views.ChatListView.as_view(), name="chat-list"),
    path("chats/<uuid:chat_id>", views.ChatDetailView.as_view(), name="chat-detail"),
    path("chats/<uuid:chat_id>/messages", views.ChatMessageListView.as_view(), name="chat-message-list"),
    path("chat/completions", views.CompletionView.as_view(), name="chat-completions"),
    path("system-prompts", views.SystemPromptListView.as_view(), name="system-prompt-list"),
    path("system-prompts/<uuid:system_prompt_id>", views.SystemPromptDetailView.as_view(), name="system-prompt-detail"),
    path(
        "organizations/<uuid:organization_id>/guardrails", views.GuardrailPolicyView.as_view(), name="guardrail-policy"
    ),
    path("", include("chats.api.knowledge_urls")),
]
