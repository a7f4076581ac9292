"""The real URLs plus a bare Django JSON view: the baseline an authenticated API list is compared with."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import handler500  # noqa: F401 -- handler500 is re-exported
from config.urls import urlpatterns as real_urlpatterns


def bare_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"items": [], "total": 0, "skip": 0, "limit": 20})


urlpatterns = [path("bench/bare", bare_json), *real_urlpatterns]
