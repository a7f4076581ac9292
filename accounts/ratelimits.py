"""Brute-force limits on signing in, counted by django-ratelimit in the shared cache (Redis in production)."""

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from accounts.services.audit import request_client_ip
from config.api.exceptions import RateLimitExceeded

LOGIN_RATE = "5/m"
LOGIN_WINDOW_SECONDS = 60


def login_rate_check(*, request: HttpRequest, identifier: str) -> None:
    """Five sign-in attempts a minute per client address and, separately, per account named."""
    account = identifier.strip().lower()
    # Not django-ratelimit's "ip" key, which raises on a request without REMOTE_ADDR.
    address = request_client_ip(request) or "unknown"
    by_address = is_ratelimited(
        request, group="auth-login-ip", key=lambda group, req: address, rate=LOGIN_RATE, increment=True
    )
    by_account = is_ratelimited(
        request, group="auth-login-account", key=lambda group, req: account, rate=LOGIN_RATE, increment=True
    )
    if by_address or by_account:
        error = RateLimitExceeded("Too many sign-in attempts: wait a minute and try again.")
        error.wait = LOGIN_WINDOW_SECONDS
        raise error
