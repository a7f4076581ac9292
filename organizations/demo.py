"""The demo organization and project `python manage.py demo` prepares, so a fresh install has something to show."""

from django.db import transaction

from accounts.models import User
from organizations.models import Membership, Organization
from organizations.roles import Role
from organizations.services.organizations import organization_create
from projects.models import Project
from projects.selectors import project_list
from projects.services import project_create

DEMO_ORGANIZATION_SLUG = "demo"
DEMO_PROJECT_NAME = "demo-app"


@transaction.atomic
def demo_organization_ensure(*, user: User) -> tuple[Organization, Project]:
    """The demo organization with `user` as an owner and its demo project, created once and kept."""
    organization = Organization.objects.filter(slug=DEMO_ORGANIZATION_SLUG).first()
    if organization is None:
        organization = organization_create(
            created_by=user,
            name="Demo Organization",
            slug=DEMO_ORGANIZATION_SLUG,
            description="Created by `python manage.py demo` to try Bastion with.",
            industry="Software",
            country="DE",
        )
    else:
        # Whatever happened to the demo account's membership since, the demo makes it an owner again.
        Membership.objects.update_or_create(organization=organization, user=user, defaults={"role": Role.OWNER})
    project = project_list(actor=user, organization_id=organization.pk).filter(name=DEMO_PROJECT_NAME).first()
    if project is None:
        project = project_create(
            actor=user,
            organization=organization,
            name=DEMO_PROJECT_NAME,
            description="A sample application to scan.",
            repo_type=Project.RepoType.GITHUB,
            repo_url="https://github.com/example/demo-app",
            is_public=True,
        )
    return organization, project
