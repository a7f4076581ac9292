import pytest

from organizations.roles import Role
from tests.conftest import client_for
from tests.projects.factories import ProjectFactory


@pytest.fixture
def project(organization):
    return ProjectFactory(organization=organization, name="payments")


@pytest.fixture
def member_client(member_of):
    return client_for(member_of(Role.MEMBER).user)
