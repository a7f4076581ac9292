"""A request reads the actor's memberships and the organization once, however many checks it makes.

The page, the navigation's switcher, the view's role check and the service's own check all ask; the
counts below are what one request costs, and a second lookup of either shows up as a failure here.
"""

import pytest
from django.urls import reverse

from organizations.access import actor_role, memberships_remembered
from organizations.models import Organization
from organizations.roles import Role
from organizations.services.memberships import membership_role_change
from organizations.services.organizations import organization_create
from tests.accounts.mfa import session_login

pytestmark = pytest.mark.django_db

SETTINGS_FORM = {"name": "Acme Labs", "slug": "acme", "description": "", "industry": "", "country": ""}


def _reads(captured, table: str) -> int:
    """Queries that read rows of `table` (the audit event's `SELECT 1` existence checks aside)."""
    return sum(
        1
        for query in captured
        if query["sql"].startswith('SELECT "') and query["sql"].split(" FROM ", 1)[1].startswith(f'"{table}"')
    )


def test_a_page_edit_reads_the_organization_and_the_memberships_once(client, owner, django_assert_num_queries):
    session_login(client, owner.user)
    url = reverse("organization-settings-page", args=[owner.organization_id])

    # Session, user, organization (with the switcher's list), memberships, then the update and its
    # audit event: savepoints, the UPDATE, the event's checks (user, organization, id) and INSERT.
    with django_assert_num_queries(13) as captured:
        response = client.post(url, SETTINGS_FORM)

    assert response.status_code == 302
    assert Organization.objects.get(pk=owner.organization_id).name == "Acme Labs"
    assert (_reads(captured, "organizations_organization"), _reads(captured, "organizations_membership")) == (1, 1)


def test_a_refused_page_edit_renders_the_form_again_reading_the_memberships_once(
    client, owner, django_assert_num_queries
):
    session_login(client, owner.user)
    url = reverse("organization-settings-page", args=[owner.organization_id])

    # Session, user, organization (with the switcher's list), memberships, the refused update (a
    # savepoint rolled back), the re-read that undoes the refused values on the page and switcher, and
    # the open unread alerts counted for the nav's badge.
    with django_assert_num_queries(9) as captured:
        response = client.post(url, SETTINGS_FORM | {"slug": "Not A Slug"})

    assert response.status_code == 400
    assert Organization.objects.get(pk=owner.organization_id).slug == "acme"
    assert (_reads(captured, "organizations_organization"), _reads(captured, "organizations_membership")) == (2, 1)


def test_an_api_detail_costs_three_queries(owner_client, owner, django_assert_num_queries):
    # The user with the token's revocation (one query), the organization, the memberships.
    with django_assert_num_queries(3) as captured:
        response = owner_client.get(reverse("organization-detail", args=[owner.organization_id]))

    assert response.status_code == 200
    assert response.json()["id"] == str(owner.organization_id)
    assert (_reads(captured, "organizations_organization"), _reads(captured, "organizations_membership")) == (1, 1)


def test_an_api_edit_checks_the_role_once_for_the_view_and_the_service(owner_client, owner, django_assert_num_queries):
    url = reverse("organization-detail", args=[owner.organization_id])

    with django_assert_num_queries(12) as captured:
        response = owner_client.patch(url, {"name": "Acme Labs"}, format="json")

    assert (response.status_code, response.json()["name"]) == (200, "Acme Labs")
    assert _reads(captured, "organizations_membership") == 1


def test_a_membership_changed_during_a_request_is_read_again(owner, member_of):
    member_of(Role.OWNER)  # another owner, so this one may step down
    organization = owner.organization

    with memberships_remembered():
        assert actor_role(actor=owner.user, organization=organization) == Role.OWNER
        membership_role_change(actor=owner.user, membership=owner, role=Role.ADMIN)
        assert actor_role(actor=owner.user, organization=organization) == Role.ADMIN
        created = organization_create(created_by=owner.user, name="Side project", slug="side-project")
        assert actor_role(actor=owner.user, organization=created) == Role.OWNER
