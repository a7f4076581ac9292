import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services.tokens import TokenPair, token_pair_issue
from tests.accounts.mfa import Enrolled, enrolled_user


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def enrolled(db) -> Enrolled:
    """A user with a confirmed authenticator app and recovery codes: what every real account has."""
    return enrolled_user()


@pytest.fixture
def user(enrolled) -> User:
    return enrolled.user


@pytest.fixture
def tokens(user) -> TokenPair:
    return token_pair_issue(user=user)


@pytest.fixture
def auth_client(tokens) -> APIClient:
    """An API client signed in as `user` (enrolled) with a real access token, as after both sign-in steps."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.access_token}")
    return client


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters live in the cache (Redis in CI): each test starts with none."""
    cache.clear()
