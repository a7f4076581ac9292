import pytest

from chats.retrieval.index import indexes_clear
from organizations.roles import Role
from tests.conftest import client_for
from tests.fakes.fixtures import anthropic_server, openai_server  # noqa: F401 (fixtures for the chats tests)


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


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """POST a document as a client would, then run what its commit sends (the Celery task, eager here)."""
    from django.urls import reverse

    def post(client, body, *, format="json"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("document-list"), body, format=format)

    return post
