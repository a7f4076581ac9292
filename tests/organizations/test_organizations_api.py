import pytest
from django.urls import reverse

from audit.models import AuditEvent
from organizations.models import Membership, Organization
from organizations.roles import Role
from projects.models import Project
from tests.conftest import client_for
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

LIST = reverse("organization-list")


def _detail(organization) -> str:
    return reverse("organization-detail", args=[organization.pk])


@pytest.mark.django_db
def test_creating_an_organization_makes_you_its_owner(auth_client, user):
    payload = {"name": "Acme Corp", "slug": "acme-corp", "description": "AI", "industry": "Tech", "country": "US"}

    response = auth_client.post(LIST, payload, format="json")

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in payload} == payload
    assert body["member_count"] == 1
    organization = Organization.objects.get(pk=body["id"])
    assert Membership.objects.get(organization=organization, user=user).role == Role.OWNER
    assert AuditEvent.objects.filter(organization=organization, action="organization.created").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "A", "slug": "Not Valid!"}, "slug"),
        ({"name": "A", "slug": "-bad-"}, "slug"),
        ({"name": "A", "slug": "ab"}, "slug"),
        ({"name": "A", "slug": "fine-slug", "country": "Germany"}, "country"),
        ({"name": "A", "slug": "fine-slug", "country": "de"}, "country"),
        ({"slug": "fine-slug"}, "name"),
        ({"name": 12, "slug": "fine-slug"}, "name"),
        ({"name": "A"}, "slug"),
        ({"name": "x" * 121, "slug": "fine-slug"}, "name"),
    ],
)
def test_creating_reports_bad_fields(auth_client, payload, field):
    response = auth_client.post(LIST, payload, format="json")

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_a_slug_is_unique(auth_client):
    OrganizationFactory(slug="taken")

    response = auth_client.post(LIST, {"name": "Mine", "slug": "taken"}, format="json")

    assert response.status_code == 422
    assert "slug" in response.json()["errors"]
    assert response.json()["error_code"] == "ALREADY_EXISTS"


@pytest.mark.django_db
def test_the_list_holds_only_my_organizations_with_member_counts(auth_client, user, django_assert_max_num_queries):
    mine = [OrganizationFactory() for _ in range(3)]
    for index, organization in enumerate(mine):
        MembershipFactory(organization=organization, user=user, role=Role.VIEWER)
        MembershipFactory.create_batch(index, organization=organization)
    OrganizationFactory()  # someone else's

    with django_assert_max_num_queries(6):
        response = auth_client.get(LIST)

    body = response.json()
    assert body["total"] == 3
    counts = {item["id"]: item["member_count"] for item in body["items"]}
    assert counts == {str(org.pk): index + 1 for index, org in enumerate(mine)}


@pytest.mark.django_db
def test_an_owner_updates_and_an_admin_updates(owner_client, organization, member_of):
    admin = client_for(member_of(Role.ADMIN).user)

    renamed = owner_client.patch(_detail(organization), {"name": "Acme Renamed"}, format="json")
    described = admin.put(_detail(organization), {"name": "Acme", "slug": "acme", "description": "New"}, format="json")

    assert renamed.status_code == 200
    assert described.status_code == 200
    organization.refresh_from_db()
    assert (organization.name, organization.description) == ("Acme", "New")


@pytest.mark.django_db
def test_delete_needs_the_slug_typed_and_cascades(owner_client, organization):
    project = ProjectFactory(organization=organization)

    unconfirmed = owner_client.delete(_detail(organization))
    confirmed = owner_client.delete(f"{_detail(organization)}?confirm=acme")

    assert unconfirmed.status_code == 422
    assert "confirm" in unconfirmed.json()["errors"]
    assert confirmed.status_code == 204
    assert not Organization.objects.filter(pk=organization.pk).exists()
    assert not Project.objects.filter(pk=project.pk).exists()


@pytest.mark.django_db
def test_an_admin_cannot_delete_the_organization(organization, member_of):
    admin = client_for(member_of(Role.ADMIN).user)

    response = admin.delete(f"{_detail(organization)}?confirm=acme")

    assert response.status_code == 403
    assert Organization.objects.filter(pk=organization.pk).exists()


@pytest.mark.django_db
def test_a_missing_organization_is_404(auth_client):
    response = auth_client.get(reverse("organization-detail", args=["7f7a1c1e-0000-4000-8000-000000000000"]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_organizations_need_a_signed_in_user(api_client, organization):
    assert api_client.get(LIST).status_code == 401
    assert api_client.get(_detail(organization)).status_code == 401
