"""One error shape for the whole API: `{detail, status_code, error_code, errors?}`.

Services raise `core.exceptions.BastionError` subclasses; this module alone turns them, DRF's own
exceptions and anything unexpected into that shape.
"""

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response

from core.exceptions import BastionError, InsufficientPermissions, PayloadTooLarge, ResourceNotFound

logger = logging.getLogger("bastion.api")


# DRF's exceptions that are not ours, by the code we give them.
_DRF_CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ParseError, "INVALID_REQUEST"),
    (exceptions.NotAuthenticated, "NOT_AUTHENTICATED"),
    (exceptions.AuthenticationFailed, "INVALID_TOKEN"),
    (exceptions.PermissionDenied, "INSUFFICIENT_PERMISSIONS"),
    (exceptions.NotFound, "RESOURCE_NOT_FOUND"),
    (exceptions.MethodNotAllowed, "METHOD_NOT_ALLOWED"),
    (exceptions.NotAcceptable, "NOT_ACCEPTABLE"),
    (exceptions.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
    (exceptions.Throttled, "RATE_LIMIT_EXCEEDED"),
]


def error_body(*, detail: str, status_code: int, error_code: str, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail, "status_code": status_code, "error_code": error_code}
    if errors:
        body["errors"] = errors
    return body


def internal_error_body(request_id: str) -> dict[str, Any]:
    return error_body(
        detail=f"An unexpected error occurred. Quote request id {request_id} when reporting it.",
        status_code=500,
        error_code="INTERNAL_ERROR",
    )


def _field_errors(detail: Any) -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into `{field: [messages]}`; body-level errors go under `non_field_errors`."""
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    flat: dict[str, list[str]] = {}
    for field, messages in detail.items():
        if isinstance(messages, dict):
            for sub_field, sub_messages in _field_errors(messages).items():
                flat[f"{field}.{sub_field}"] = sub_messages
        elif isinstance(messages, list):
            flat[field] = [str(m) for m in messages]
        else:
            flat[field] = [str(messages)]
    return flat


def _headers(exc: exceptions.APIException | BastionError) -> dict[str, str]:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    wait = getattr(exc, "wait", None)
    if wait is not None:
        headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return headers


def error_json(error: BastionError) -> JsonResponse:
    """The same shape and headers from a plain Django view (the dashboard's small JSON endpoints)."""
    body = error_body(
        detail=str(error.detail), status_code=error.status_code, error_code=error.error_code, errors=error.errors
    )
    return JsonResponse({**body, **error.extra}, status=error.status_code, headers=_headers(error))


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, Http404):
        exc = ResourceNotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = InsufficientPermissions()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()

    if isinstance(exc, BastionError):
        body = error_body(
            detail=str(exc.detail), status_code=exc.status_code, error_code=exc.error_code, errors=exc.errors
        )
        return Response({**body, **exc.extra}, status=exc.status_code, headers=_headers(exc))

    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            detail="The request has invalid fields.",
            status_code=422,
            error_code="VALIDATION_ERROR",
            errors=_field_errors(exc.detail),
        )
        return Response(body, status=422)

    if isinstance(exc, exceptions.APIException):
        code = next((code for cls, code in _DRF_CODES if isinstance(exc, cls)), "INVALID_REQUEST")
        detail = exc.detail.get("detail", exc.detail) if isinstance(exc.detail, dict) else exc.detail
        body = error_body(detail=str(detail), status_code=exc.status_code, error_code=code)
        return Response(body, status=exc.status_code, headers=_headers(exc))

    request = context.get("request")
    request_id = getattr(request, "request_id", "-")
    logger.exception("Unexpected error in %s (request id %s)", context.get("view").__class__.__name__, request_id)
    return Response(internal_error_body(request_id), status=500)
