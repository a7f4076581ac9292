"""Errors on the OpenAI-compatible routes (`/v1/`) come in OpenAI's shape, so that the official
clients raise their proper exception types (AuthenticationError, RateLimitError, ...) with Bastion's
message. Every error answer there is reshaped in one place, whichever layer refused the request:
the body limit, authentication, validation, the gateway, or an unknown path."""

import json
from collections.abc import Awaitable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from core.middleware import HybridMiddleware

OPENAI_PREFIX = "/v1/"
_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
          404: "not_found_error", 413: "invalid_request_error", 422: "invalid_request_error",
          429: "rate_limit_error"}  # fmt: skip


def openai_error_body(body: dict[str, Any]) -> dict[str, Any]:
    """Bastion's error body as OpenAI's: the message, a type by status, Bastion's code, the first field."""
    status = body.get("status_code", 500)
    fields = list(body.get("errors") or {})
    message = body.get("detail", "")
    if fields:
        message = f"{message} {fields[0]}: {body['errors'][fields[0]][0]}"
    error = {
        "message": message,
        "type": _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error"),
        "param": fields[0] if fields else None,
        "code": body.get("error_code"),
    }
    extra = {key: value for key, value in body.items() if key not in ("detail", "status_code", "error_code", "errors")}
    return {"error": {**error, **extra}}


class OpenAIErrorShapeMiddleware(HybridMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.async_mode:
            return self._acall(request)
        return _reshaped(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        return _reshaped(request, await self.get_response(request))


def _reshaped(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if response.status_code < 400 or response.streaming or not request.path.startswith(OPENAI_PREFIX):
        return response
    try:
        body = json.loads(response.content)
    except ValueError:
        return response
    if not isinstance(body, dict) or "error_code" not in body:
        return response
    # OpenAI answers a malformed request 400 (the client's BadRequestError); Bastion's 422 says the same.
    status = 400 if body.get("error_code") == "VALIDATION_ERROR" else response.status_code
    reshaped = JsonResponse(openai_error_body(body), status=status)
    for header, value in response.items():
        if header.lower() not in ("content-type", "content-length"):
            reshaped[header] = value
    reshaped.cookies = response.cookies
    return reshaped
