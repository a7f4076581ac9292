from django.urls import path

from chats import views

CHAT = "chats/<uuid:chat_id>"

urlpatterns = [
    path("chats/", views.chat_list_page, name="chat-list-page"),
    path(f"{CHAT}/", views.chat_detail_page, name="chat-detail-page"),
    path(f"{CHAT}/archive/", views.chat_archive_page, name="chat-archive-page"),
    path(f"{CHAT}/delete/", views.chat_delete_page, name="chat-delete-page"),
    path("organizations/<uuid:organization_id>/guardrails/", views.guardrail_policy_page, name="guardrail-policy-page"),
]
