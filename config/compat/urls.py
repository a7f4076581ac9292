"""Every seed-compatible route, one module per app (docs/COMPATIBILITY.md lists them)."""

from config.compat import accounts, chats, search

urlpatterns = [*accounts.urlpatterns, *chats.urlpatterns, *search.urlpatterns]
