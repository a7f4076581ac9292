"""Memories, collections, documents and search."""

from django.urls import path

from chats.api import knowledge as views

urlpatterns = [
    path("memories", views.MemoryListView.as_view(), name="memory-list"),
    path("memories/search", views.MemorySearchView.as_view(), name="memory-search"),
    path("memories/<uuid:memory_id>", views.MemoryDetailView.as_view(), name="memory-detail"),
    path("collections", views.CollectionListView.as_view(), name="collection-list"),
    path("collections/<uuid:collection_id>", views.CollectionDetailView.as_view(), name="collection-detail"),
    path("documents", views.DocumentListView.as_view(), name="document-list"),
    path("documents/<uuid:document_id>", views.DocumentDetailView.as_view(), name="document-detail"),
    path("search", views.SearchView.as_view(), name="search"),
]
