import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services.tokens import TokenPair, token_pair_issue
from tests.accounts.factories import UserFactory


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db) -> User:
    return UserFactory()


@pytest.fixture
def tokens(user) -> TokenPair:
    return token_pair_issue(user=user)


@pytest.fixture
def auth_client(tokens) -> APIClient:
    """An API client signed in as `user` with a real access token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.access_token}")
    return client
