from config.api.exceptions import BastionError


class WeakPassword(BastionError):
    status_code = 422
    error_code = "WEAK_PASSWORD"
    default_detail = "The password is too weak."


class DuplicateEmail(BastionError):
    status_code = 422
    error_code = "DUPLICATE_EMAIL"
    default_detail = "An account with this email already exists."


class InvalidCredentials(BastionError):
    status_code = 401
    error_code = "INVALID_CREDENTIALS"
    default_detail = "Invalid credentials."
