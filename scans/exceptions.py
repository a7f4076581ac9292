from core.exceptions import BastionError


class ScanLimitExceeded(BastionError):
    status_code = 429
    error_code = "SCAN_LIMIT_EXCEEDED"
    default_detail = "The organization's plan allows no more scans this month."
