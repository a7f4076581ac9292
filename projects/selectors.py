from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import QuerySet

from core.selectors import get_visible
from projects.models import Project

if TYPE_CHECKING:
    from organizations.models import Actor


def project_list(*, actor: "Actor", organization_id: UUID | None = None) -> QuerySet[Project]:
    projects = Project.objects.visible_to(actor).select_related("organization")
    return projects.filter(organization_id=organization_id) if organization_id else projects


def project_get(*, actor: "Actor", project_id: UUID) -> Project:
    return get_visible(project_list(actor=actor), what="Project", pk=project_id)


def project_named(projects: list[Project], wanted: str | None) -> Project | None:
    """Of the projects a page already listed for the actor, the one a query or form names; None for
    any other value, another organization's id included. No query of its own."""
    return next((project for project in projects if str(project.pk) == wanted), None)
