"""The real URLs plus one endpoint that fails unexpectedly, to test the 500 handling."""

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


urlpatterns = [path("api/v1/boom", BoomView.as_view()), *real_urlpatterns]
handler500 = "config.api.views.server_error"
