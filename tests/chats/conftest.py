import pytest

from chats.retrieval.index import indexes_clear
from organizations.roles import Role
from tests.conftest import client_for


@pytest.fixture(autouse=True)
def _no_cached_indexes():
    """Each test's database is new, and a cached index from the last one would carry its version stamps."""
    indexes_clear()
    yield
    indexes_clear()


@pytest.fixture
def member(member_of):
    return member_of(Role.MEMBER)


@pytest.fixture
def member_client(member):
    return client_for(member.user)
