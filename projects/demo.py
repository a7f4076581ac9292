"""The demo project `python manage.py demo` prepares in the demo organization."""

from typing import Any

from accounts.models import User
from organizations.models import Organization
from projects.models import Project
from projects.selectors import project_list
from projects.services import project_create

DEMO_PROJECT_NAME = "demo-app"


def demo_project_ensure(*, user: User, organization: Organization) -> Project:
    """The demo project in `organization`, created once by `user` and kept."""
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
    return project


def demo_seed(*, seeded: dict[str, Any]) -> list[str]:
    """The demo project, made by `seeded["user"]` in `seeded["organization"]`."""
    project = demo_project_ensure(user=seeded["user"], organization=seeded["organization"])
    return [f"  Project:      {project.name} ({project.repo_url})"]
