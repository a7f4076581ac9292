import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.api.exceptions import error_body
from config.api.paths import API_PATH_PREFIXES, API_UPLOAD_PATHS
from core.context import Client, client_as, client_from_request, current_client
from core.exceptions import PayloadTooLarge
from core.middleware import HybridMiddleware

_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_for(given: str | None) -> str:
    """The id a response and its logs carry: the client's `X-Request-ID` when sane, a new one otherwise."""
    return given if given and _GIVEN_ID.match(given) else uuid.uuid4().hex


def _tagged_client(request: HttpRequest) -> AbstractContextManager[Client]:
    request.request_id = request_id_for(request.headers.get("X-Request-ID"))
    return client_as(client_from_request(request, request_id=request.request_id))


class ClientContextMiddleware(HybridMiddleware):
    """Tag each request with an id (kept from `X-Request-ID` when sane) for logs and error reports, and
    set the client context (`core.context`) that services read instead of the request."""

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.async_mode:
            return self._acall(request)
        with _tagged_client(request):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        # A sync view below runs in a thread with a copy of this context, so it sees the client too.
        with _tagged_client(request):
            response = await self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_client().request_id
        return True


class ApiBodyLimitMiddleware(HybridMiddleware):
    """Refuse API bodies over `API_MAX_BODY_BYTES` with 413 before any view or parser reads them."""

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.async_mode:
            return self._acall(request)
        return _body_refusal(request) or self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        # Under ASGI, Django has read the whole body into memory (or a spooled file) before any
        # middleware runs, so the check reads no socket from the event loop.
        return _body_refusal(request) or await self.get_response(request)


def _body_refusal(request: HttpRequest) -> JsonResponse | None:
    if not request.path.startswith(API_PATH_PREFIXES):
        return None
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if request.path in API_UPLOAD_PATHS and request.content_type == "multipart/form-data":
        # Django's multipart parser streams files to disk; only the declared length is checked here,
        # and the view checks the file itself.
        if declared <= settings.API_UPLOAD_MAX_BYTES:
            return None
        return _refusal(settings.API_UPLOAD_MAX_BYTES)
    try:
        # Reading the body enforces the limit for bodies sent without a length as well.
        too_big = declared > settings.API_MAX_BODY_BYTES or len(request.body) > settings.API_MAX_BODY_BYTES
    except RequestDataTooBig:
        too_big = True
    if not too_big:
        return None
    return _refusal(settings.API_MAX_BODY_BYTES)


class ApiQueryMiddleware(HybridMiddleware):
    """Refuse an API query string that repeats a parameter: no parameter of the API is a list, and a
    view reading one of the values would act on a request whose other value it never checked."""

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.async_mode:
            return self._acall(request)
        return _query_refusal(request) or self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        return _query_refusal(request) or await self.get_response(request)


def _query_refusal(request: HttpRequest) -> JsonResponse | None:
    if not request.path.startswith(API_PATH_PREFIXES):
        return None
    repeated = sorted(name for name, values in request.GET.lists() if len(values) > 1)
    if not repeated:
        return None
    body = error_body(
        detail="The request has invalid fields.",
        status_code=422,
        error_code="VALIDATION_ERROR",
        errors={name: ["Give this query parameter once."] for name in repeated},
    )
    return JsonResponse(body, status=422)


def _refusal(limit: int) -> JsonResponse:
    error = PayloadTooLarge(f"The request body exceeds {limit} bytes.")
    body = error_body(detail=str(error.detail), status_code=413, error_code=error.error_code)
    return JsonResponse(body, status=413)


class OneThreadMiddleware:
    """Last in MIDDLEWARE, and synchronous only: so Django runs every middleware above it, and the sync
    view below, in the one thread of the request.

    Django's own middleware (MiddlewareMixin) can run either way, and under ASGI runs each
    `process_request` and `process_response` in a thread of its own: with eight of them, some fifteen
    hand-offs per request (1.7 ms of the gateway's overhead, tests/bench/gateway). A sync-only
    middleware at the bottom makes the chain above it synchronous (Django picks a middleware's mode
    from the handler below it), entered once from the event loop. Views that stream with an async
    iterator still stream on the event loop: only the response object passes through here.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
