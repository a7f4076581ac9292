import pytest

from organizations.roles import Role
from tests.conftest import client_for
from tests.projects.factories import ProjectFactory

# A token shaped like GitHub's (its checksum holds), which the secret rules must report.
PLANTED = "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"
LEAKY_CODE = f'import pickle\nGITHUB_TOKEN = "{PLANTED}"\ndata = pickle.loads(user_input)\n'


@pytest.fixture
def project(organization):
    return ProjectFactory(organization=organization)


@pytest.fixture
def member_client(member_of):
    return client_for(member_of(Role.MEMBER).user)
