"""Every operation documents the errors it can give, derived once from what the view does."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

from config.api.exceptions import BastionError
from config.api.permissions import IsUser
from config.api.serializers import ErrorSerializer

_ERRORS = {
    400: "Malformed request (`INVALID_REQUEST`).",
    401: "Missing, invalid, expired or revoked credentials (`NOT_AUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`).",
    403: "Authenticated but not allowed (`INSUFFICIENT_PERMISSIONS`).",
    404: "No such object, or not yours (`RESOURCE_NOT_FOUND`).",
    413: "Request body over the configured limit (`PAYLOAD_TOO_LARGE`).",
    415: "Body is not JSON (`UNSUPPORTED_MEDIA_TYPE`).",
    422: "Invalid fields (`VALIDATION_ERROR` and domain codes), with `errors` per field.",
    429: "Too many requests (`RATE_LIMIT_EXCEEDED`), with `Retry-After`.",
    500: "Unexpected error (`INTERNAL_ERROR`); the body quotes a request id, never a trace.",
    503: "An outside provider (SMS, model vendor) is unavailable (`PROVIDER_UNAVAILABLE`).",
}


class BastionAutoSchema(AutoSchema):
    """Adds what drf-spectacular cannot see on its own.

    - A view's `domain_errors = {"DELETE": (LastOwnerError, ...)}`: the BastionErrors its service
      raises beyond bad fields, documented with their status and `error_code`.
    - A serializer's `required_one_of` / `required_any_of = ("a", "b")`: exactly one, or at least
      one, of those fields must be given (its `validate` enforces it; the schema says it).
    """

    def _domain_errors(self) -> tuple[type[BastionError], ...]:
        return tuple(getattr(self.view, "domain_errors", {}).get(self.method, ()))

    def _has_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None

    def _error_statuses(self) -> set[int]:
        statuses = {500}
        if self._has_body():
            statuses |= {400, 413, 415, 422}
        permissions = self.view.get_permissions()
        if any(not isinstance(p, AllowAny) for p in permissions):
            statuses.add(401)
        # IsUser refuses API keys (403); a view with `required_actions` asks the role table (403).
        if any(isinstance(p, IsUser) for p in permissions) or getattr(self.view, "required_actions", None):
            statuses.add(403)
        if "{" in self.path:
            statuses.add(404)
        if self.method == "GET" and self._is_list_view() and self._get_paginator() is not None:
            statuses.add(422)  # skip or limit out of range (config/api/pagination.py)
        if self.view.get_throttles():
            statuses.add(429)
        statuses |= {error.status_code for error in self._domain_errors()}
        return statuses | set(getattr(self.view, "extra_error_statuses", ()))

    def _error_description(self, status: int) -> str:
        codes = {error.error_code for error in self._domain_errors() if error.status_code == status}
        if codes and status == 422 and self._has_body():
            codes.add("VALIDATION_ERROR")
        if not codes:
            return _ERRORS[status]
        return f"{_ERRORS[status]} Here: {', '.join(f'`{code}`' for code in sorted(codes))}."

    def _map_serializer(self, serializer: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        mapped = super()._map_serializer(serializer, direction, bypass_extensions)
        for keyword, attribute in (("oneOf", "required_one_of"), ("anyOf", "required_any_of")):
            fields = getattr(serializer, attribute, ())
            if fields:
                mapped[keyword] = [{"required": [field]} for field in fields]
        return mapped

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status in sorted(self._error_statuses()):
            if str(status) not in responses:
                response = OpenApiResponse(ErrorSerializer, description=self._error_description(status))
                responses[str(status)] = self._get_response_for_code(response, str(status), direction=direction)
        return responses
