from django.urls import include, path

urlpatterns = [
    path("", include("chats.api.knowledge_urls")),
]
