from django.urls import path

from chats import knowledge_views as views

urlpatterns = [
    path("knowledge/", views.knowledge_page, name="knowledge-page"),
    path("knowledge/documents/", views.document_upload_page, name="document-upload-page"),
    path("knowledge/documents/<uuid:document_id>/delete/", views.document_delete_page, name="document-delete-page"),
    path(
        "knowledge/documents/<uuid:document_id>/status/",
        views.document_status_fragment,
        name="document-status-fragment",
    ),
    path("knowledge/memories/", views.memory_create_page, name="memory-create-page"),
    path("knowledge/memories/<uuid:memory_id>/delete/", views.memory_delete_page, name="memory-delete-page"),
]
