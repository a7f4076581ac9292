import factory
from factory.django import DjangoModelFactory

from projects.models import Project
from tests.organizations.factories import OrganizationFactory


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"project-{n}")
    repo_type = Project.RepoType.GITHUB
    repo_url = factory.Sequence(lambda n: f"https://github.com/example/repo-{n}")
