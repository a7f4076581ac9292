"""Memories, collections, documents and search."""

urlpatterns: list = []
