import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.api.exceptions import error_body
from config.api.paths import API_PATH_PREFIXES
from core.context import client_as, client_from_request, current_client
from core.exceptions import PayloadTooLarge

_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class ClientContextMiddleware:
    """Tag each request with an id (kept from `X-Request-ID` when sane) for logs and error reports, and
    set the client context (`core.context`) that services read instead of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _GIVEN_ID.match(given) else uuid.uuid4().hex
        with client_as(client_from_request(request, request_id=request.request_id)):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_client().request_id
        return True


class ApiBodyLimitMiddleware:
    """Refuse API bodies over `API_MAX_BODY_BYTES` with 413 before any view or parser reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PATH_PREFIXES):
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            try:
                # Reading the body enforces the limit for bodies sent without a length as well.
                too_big = declared > settings.API_MAX_BODY_BYTES or len(request.body) > settings.API_MAX_BODY_BYTES
            except RequestDataTooBig:
                too_big = True
            if too_big:
                error = PayloadTooLarge(f"The request body exceeds {settings.API_MAX_BODY_BYTES} bytes.")
                body = error_body(detail=str(error.detail), status_code=413, error_code=error.error_code)
                return JsonResponse(body, status=413)
        return self.get_response(request)
