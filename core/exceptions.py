"""The domain's errors: plain exceptions that services raise and know nothing of HTTP beyond the
status each maps to. The API's exception handler (config/api/exceptions.py) and the pages turn them
into answers."""

from typing import Any


class BastionError(Exception):
    """Base of every domain error: a machine code, the HTTP status it maps to, and a human message."""

    status_code = 400
    error_code = "INVALID_REQUEST"
    default_detail = "The request is invalid."

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)
        self.errors = errors
        # Fields the client needs to continue (e.g. an `enrollment_token`), added beside the usual ones.
        self.extra = extra or {}


class ValidationFailed(BastionError):
    status_code = 422
    error_code = "VALIDATION_ERROR"
    default_detail = "The request has invalid fields."


class AlreadyExists(BastionError):
    """A unique value someone already holds: the request was well formed, the name was not free."""

    status_code = 422
    error_code = "ALREADY_EXISTS"
    default_detail = "This value is already taken."


class OrganizationRequired(BastionError):
    # Not a malformed body: the same request is complete from someone in exactly one organization.
    status_code = 422
    error_code = "ORGANIZATION_REQUIRED"
    default_detail = "Name the organization (organization_id): you belong to none, or to several."


class NotAuthenticated(BastionError):
    status_code = 401
    error_code = "NOT_AUTHENTICATED"
    default_detail = "Authentication credentials were not provided."


class InvalidToken(BastionError):
    status_code = 401
    error_code = "INVALID_TOKEN"
    default_detail = "The token is invalid or has been revoked."


class TokenExpired(BastionError):
    status_code = 401
    error_code = "TOKEN_EXPIRED"
    default_detail = "The token has expired."


class InsufficientPermissions(BastionError):
    status_code = 403
    error_code = "INSUFFICIENT_PERMISSIONS"
    default_detail = "You do not have permission to perform this action."


class ResourceNotFound(BastionError):
    status_code = 404
    error_code = "RESOURCE_NOT_FOUND"
    default_detail = "Not found."


class PayloadTooLarge(BastionError):
    status_code = 413
    error_code = "PAYLOAD_TOO_LARGE"
    default_detail = "The request body is too large."


class RateLimitExceeded(BastionError):
    status_code = 429
    error_code = "RATE_LIMIT_EXCEEDED"
    default_detail = "Too many requests."
