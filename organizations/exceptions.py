from core.exceptions import BastionError


class LastOwnerError(BastionError):
    status_code = 422
    error_code = "LAST_OWNER"
    default_detail = "An organization must keep at least one owner."


class InvitationInvalid(BastionError):
    # One answer for unknown, expired, revoked, used and someone else's invitations: no hint which.
    status_code = 400
    error_code = "INVALID_INVITATION"
    default_detail = "This invitation is invalid, has expired, or is for another email address."


class ConfirmationMismatch(BastionError):
    status_code = 422
    error_code = "CONFIRMATION_MISMATCH"
    default_detail = "Type the confirmation exactly as asked."


class ExpiryInPast(BastionError):
    # Not a field's shape: the same timestamp is fine until the clock passes it.
    status_code = 422
    error_code = "EXPIRY_IN_PAST"
    default_detail = "Choose an expiry in the future."


class AlreadyMember(BastionError):
    status_code = 422
    error_code = "ALREADY_MEMBER"
    default_detail = "This person is already a member of the organization."
