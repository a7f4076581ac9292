from core.exceptions import BastionError


class WeakPassword(BastionError):
    status_code = 422
    error_code = "WEAK_PASSWORD"
    default_detail = "The password is too weak."


class DuplicateEmail(BastionError):
    status_code = 422
    error_code = "DUPLICATE_EMAIL"
    default_detail = "An account with this email already exists."


class EnrollmentNotPending(BastionError):
    status_code = 422
    error_code = "ENROLLMENT_NOT_PENDING"
    default_detail = "No enrollment of this method is pending: start with auth/mfa/enroll."


class MethodNotEnrolled(BastionError):
    status_code = 422
    error_code = "METHOD_NOT_ENROLLED"
    default_detail = "This account has no second factor of that method."


class InvalidCredentials(BastionError):
    status_code = 401
    error_code = "INVALID_CREDENTIALS"
    default_detail = "Invalid credentials."


class MFARequired(BastionError):
    """The password was right but the account has no second factor yet: enroll one first."""

    status_code = 401
    error_code = "MFA_REQUIRED"
    default_detail = "This account must enroll a second factor before it can sign in."


class MFAChallengeInvalid(BastionError):
    status_code = 401
    error_code = "INVALID_TOKEN"
    default_detail = "This sign-in step has expired or was already used; start again."


class MFACodeInvalid(BastionError):
    status_code = 401
    error_code = "INVALID_MFA_CODE"
    default_detail = "The code is wrong or has expired."
