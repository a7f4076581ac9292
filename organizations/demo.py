"""The demo organization `python manage.py demo` prepares, so a fresh install has something to show."""

from typing import Any

from django.db import transaction

from accounts.models import User
from organizations.models import Membership, Organization
from organizations.roles import Role
from organizations.services.organizations import organization_create

DEMO_ORGANIZATION_SLUG = "demo"


@transaction.atomic
def demo_organization_ensure(*, user: User) -> Organization:
    """The demo organization with `user` as an owner, created once and kept."""
    organization = Organization.objects.dangerously_unscoped().filter(slug=DEMO_ORGANIZATION_SLUG).first()
    if organization is None:
        return organization_create(
            created_by=user,
            name="Demo Organization",
            slug=DEMO_ORGANIZATION_SLUG,
            description="Created by `python manage.py demo` to try Bastion with.",
            industry="Software",
            country="DE",
        )
    # Whatever happened to the demo account's membership since, the demo makes it an owner again.
    memberships = Membership.objects.dangerously_unscoped()
    memberships.update_or_create(organization=organization, user=user, defaults={"role": Role.OWNER})
    return organization


def demo_seed(*, seeded: dict[str, Any]) -> list[str]:
    """The demo organization, owned by `seeded["user"]`, as `seeded["organization"]`."""
    organization = demo_organization_ensure(user=seeded["user"])
    seeded["organization"] = organization
    return [f"  Organization: {organization.name} ({organization.slug})"]
