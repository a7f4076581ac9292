"""Seed 004's RAG search, at `search` and `/api/search`."""

urlpatterns: list = []
