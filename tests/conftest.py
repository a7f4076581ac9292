from collections.abc import Callable

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services.tokens import TokenPair, token_pair_issue
from organizations.models import Membership
from organizations.roles import Role
from tests.accounts.mfa import Enrolled, enrolled_user
from tests.organizations.factories import MembershipFactory, OrganizationFactory


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


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=user).access_token}")
    return client


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Acme", slug="acme")


@pytest.fixture
def member_of(organization) -> Callable[[str], Membership]:
    """A new person with `role` in the organization."""
    return lambda role: MembershipFactory(organization=organization, role=role)


@pytest.fixture
def owner(member_of) -> Membership:
    return member_of(Role.OWNER)


@pytest.fixture
def owner_client(owner) -> APIClient:
    return client_for(owner.user)
