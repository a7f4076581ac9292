"""The real URLs plus endpoints that fail unexpectedly, to test the 500 handling."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as real_urlpatterns


class BoomView(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise RuntimeError("secret internal detail: db password is hunter2")


def boom_outside_drf(request: HttpRequest) -> HttpResponse:
    # Fails outside DRF's exception handling, so Django's handler500 answers.
    raise RuntimeError("secret internal detail: db password is hunter2")


urlpatterns = [path("api/v1/boom", BoomView.as_view()), path("auth/boom", boom_outside_drf), *real_urlpatterns]
handler500 = "config.api.views.server_error"
