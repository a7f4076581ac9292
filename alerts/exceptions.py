from core.exceptions import BastionError


class AlertAlreadyOpen(BastionError):
    """Reopening an alert whose fingerprint already has an open one: the open one stands for both."""

    status_code = 422
    error_code = "ALERT_ALREADY_OPEN"
    default_detail = "Another open alert already reports this finding."
