"""Every operation documents the errors it can give, derived once from what the view does."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from config.api.permissions import IsUser
from config.api.serializers import ErrorSerializer
from core.exceptions import BastionError, OrganizationRequired

# Per status: what it means, and the codes any operation can give with it.
_ERRORS: dict[int, tuple[str, tuple[str, ...]]] = {
    400: ("Malformed request.", ("INVALID_REQUEST",)),
    401: ("Missing, invalid, expired or revoked credentials.", ("NOT_AUTHENTICATED", "INVALID_TOKEN", "TOKEN_EXPIRED")),
    403: ("Authenticated but not allowed.", ("INSUFFICIENT_PERMISSIONS",)),
    404: ("No such object, or not yours.", ("RESOURCE_NOT_FOUND",)),
    413: ("Request body over the configured limit.", ("PAYLOAD_TOO_LARGE",)),
    415: ("Body is not JSON.", ("UNSUPPORTED_MEDIA_TYPE",)),
    422: ("Invalid fields, with `errors` per field.", ("VALIDATION_ERROR",)),
    429: ("Too many requests, with `Retry-After`.", ("RATE_LIMIT_EXCEEDED",)),
    500: ("Unexpected error; the body quotes a request id, never a trace.", ("INTERNAL_ERROR",)),
    503: ("An outside provider (SMS, model vendor) is unavailable.", ("PROVIDER_UNAVAILABLE",)),
}

# DRF strips a string before checking it and refuses NUL in any; a schema pattern says the same.
# The characters `str.strip()` removes, spelled out: `\s` means fewer of them to a JSON Schema (ECMA)
# client, which would then send "\x1f" as a valid value that DRF strips to blank.
_STRIPPED = r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_NO_NUL = r"^[^\u0000]*$"
_NOT_BLANK = rf"^[^\u0000]*[^{_STRIPPED}\u0000][^\u0000]*$"


class BastionAutoSchema(AutoSchema):
    """Adds what drf-spectacular cannot see on its own.

    - A view's `domain_errors = {"DELETE": (LastOwnerError, ...)}`: the BastionErrors its service
      raises beyond bad fields, documented with their status and `error_code`.
    - A serializer's `required_one_of` / `required_any_of = ("a", "b")`: exactly one, or at least
      one, of those fields must be given; `required_if = {"phone": ("method", "sms")}`: a field
      needed when another has a value. Its `validate` enforces them; the schema says them.
    - Each error response lists its `error_code`s in `x-error-codes`, so a client (or a test) can
      tell a documented refusal from a surprise.
    - A free-text field's pattern says what DRF does to it: no NUL, and not blank once stripped.
    - A field's `schema_min_length` states a minimum that its validators check elsewhere.
    """

    def _domain_errors(self) -> tuple[type[BastionError], ...]:
        declared = tuple(getattr(self.view, "domain_errors", {}).get(self.method, ()))
        source_for = getattr(self.view, "source_for", None)
        source = source_for(self.method) if source_for else None
        # A body that may leave its organization out is refused when the actor could mean none or several.
        return (*declared, OrganizationRequired) if getattr(source, "sole_default", False) else declared

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
        # A tenant view that reads its organization's id from the body or query string: another
        # tenant's id is a 404 and a malformed one a 422 (organizations/api/base.py), for every such route.
        source_for = getattr(self.view, "source_for", None)
        source = source_for(self.method) if source_for else None
        if source is not None and source.where in ("body", "query"):
            statuses |= {404, 422}
        if self.method == "GET" and self._is_list_view() and self._get_paginator() is not None:
            statuses.add(422)  # skip or limit out of range (config/api/pagination.py)
        if self.view.get_throttles():
            statuses.add(429)
        statuses |= {error.status_code for error in self._domain_errors()}
        return statuses | set(getattr(self.view, "extra_error_statuses", ()))

    def _error_codes(self, status: int) -> list[str]:
        domain = {error.error_code for error in self._domain_errors() if error.status_code == status}
        generic = _ERRORS[status][1]
        return [*generic, *sorted(domain - set(generic))]

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        # drf-spectacular does not pass the direction down to the field validators.
        self._direction = direction
        return super()._map_basic_serializer(serializer, direction)

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        # What the server accepts, not what it answers: an error may quote the client's bad input.
        if getattr(self, "_direction", "request") != "request":
            return
        if not isinstance(field, serializers.CharField) or field.read_only or schema.get("type") != "string":
            return
        if not {"pattern", "format", "enum"} & schema.keys():
            schema["pattern"] = _NOT_BLANK if field.trim_whitespace and not field.allow_blank else _NO_NUL
        if hasattr(field, "schema_min_length"):
            schema["minLength"] = field.schema_min_length

    def _map_serializer(self, serializer: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        mapped = super()._map_serializer(serializer, direction, bypass_extensions)
        for keyword, attribute in (("oneOf", "required_one_of"), ("anyOf", "required_any_of")):
            fields = getattr(serializer, attribute, ())
            if fields:
                mapped[keyword] = [{"required": [field]} for field in fields]
        conditions = [
            {"if": {"properties": {other: {"const": value}}, "required": [other]}, "then": {"required": [needed]}}
            for needed, (other, value) in getattr(serializer, "required_if", {}).items()
        ]
        if conditions:
            mapped["allOf"] = conditions
        return mapped

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status in sorted(self._error_statuses()):
            codes = self._error_codes(status)
            if str(status) not in responses:
                description = f"{_ERRORS[status][0]} Codes: {', '.join(f'`{code}`' for code in codes)}."
                response = OpenApiResponse(ErrorSerializer, description=description)
                responses[str(status)] = self._get_response_for_code(response, str(status), direction=direction)
            responses[str(status)]["x-error-codes"] = codes
        return responses
