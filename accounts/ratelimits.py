"""Brute-force limits on signing in, counted in the shared cache (Redis in production).

Only failures count. Per account: `LOGIN_ACCOUNT_FAILURES` a minute, reserved atomically before the
password is checked (so guesses sent in parallel cannot all pass a check made before any of them is
counted) and given back when the password is right. Per client address: `LOGIN_ADDRESS_FAILURES` a
minute, loose enough for an office behind one NAT address, tight enough to slow a spray across accounts.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.core.cache import cache
from django_ratelimit.core import is_ratelimited

from accounts.exceptions import InvalidCredentials
from core.context import current_client
from core.exceptions import RateLimitExceeded

LOGIN_ACCOUNT_FAILURES = 5
LOGIN_ADDRESS_FAILURES = 50
LOGIN_WINDOW_SECONDS = 60


def _counter_key(scope: str, value: str) -> str:
    return f"login-failures:{scope}:{hashlib.sha256(value.encode()).hexdigest()}"


def _counter_add(key: str) -> int:
    # add() then incr(): both atomic in Redis, so parallel requests each get their own count. The window
    # opens with the first attempt and lasts a minute (incr and decr keep the expiry).
    cache.add(key, 0, LOGIN_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # Expired between the two calls.
        cache.add(key, 1, LOGIN_WINDOW_SECONDS)
        return 1


def _counter_give_back(key: str) -> None:
    # ValueError: the window has closed meanwhile, and there is nothing left to give back.
    with suppress(ValueError):
        cache.decr(key)


def _refused() -> RateLimitExceeded:
    error = RateLimitExceeded("Too many sign-in attempts: wait a minute and try again.")
    error.wait = LOGIN_WINDOW_SECONDS
    return error


@contextmanager
def login_attempt(*, account: str) -> Iterator[None]:
    """Guard one password check against `account` (an account id, or the canonical identifier typed when
    no account has it, so both cost the same). `InvalidCredentials` in the block counts as a failure."""
    account_key = _counter_key("account", account)
    address_key = _counter_key("address", client_address())
    if _counter_add(account_key) > LOGIN_ACCOUNT_FAILURES:
        raise _refused()
    if (cache.get(address_key) or 0) >= LOGIN_ADDRESS_FAILURES:
        _counter_give_back(account_key)
        raise _refused()
    try:
        yield
    except InvalidCredentials:
        _counter_add(address_key)
        raise
    except BaseException:
        _counter_give_back(account_key)
        raise
    # Right password: the reservation is given back, so signing in costs nothing.
    _counter_give_back(account_key)


def client_address() -> str:
    """The current client's address as a limit key; work with no known address shares one bucket."""
    return current_client().ip_address or "unknown"


def rate_counted(*, group: str, value: str, rate: str) -> bool:
    """Count one more against `value` in `group`; True once over `rate` (django-ratelimit's "5/h").

    django-ratelimit reads the request only for keys and methods given as names; a callable key and
    every method leave it unread, so none is passed."""
    return is_ratelimited(None, group=group, key=lambda _group, _request: value, rate=rate, increment=True)
