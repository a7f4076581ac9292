"""Seed 004's RAG search at `/api/search`, as an alias of `POST /api/v1/search`."""

from typing import Any

from django.urls import path

from chats.api.knowledge import SearchView
from config.compat.base import SeedAlias


class Seed004SearchView(SeedAlias, SearchView):
    seed = "004"
    canonical = "POST /api/v1/search"
    deviations = (
        "Seed 004 documents the request (`question`, `collection_id`, `user_id`), not the answer: it is "
        "Bastion's (`answer` with `[n]` citations, `citations`, ranked `results`), with `user_id` echoed. "
        "The `user_id` sent is not trusted: the token says who asks, and it is that account's id that comes back."
    )

    def seed_body(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self.request.user
        return {**body, "user_id": None if getattr(user, "is_api_key", False) else str(user.pk)}


urlpatterns = [
    path("api/search", Seed004SearchView.as_view(), name="seed004-search"),
]
