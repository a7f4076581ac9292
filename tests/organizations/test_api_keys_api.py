from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from organizations.models import ApiKey
from organizations.roles import Role
from tests.conftest import client_for
from tests.organizations.factories import api_key_with_secret
from tests.projects.factories import ProjectFactory

KEYS = reverse("api-key-list")
PROJECTS = reverse("project-list")


def _with_key(raw_key: str, *, header: str = "x-api-key") -> APIClient:
    client = APIClient()
    if header == "x-api-key":
        client.credentials(HTTP_X_API_KEY=raw_key)
    else:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@pytest.mark.django_db
def test_a_key_is_shown_once_and_stored_as_a_digest(owner_client, organization):
    payload = {"organization_id": str(organization.pk), "name": "CI", "scopes": ["read", "scans:write"]}

    created = owner_client.post(KEYS, payload)
    listed = owner_client.get(KEYS)

    assert created.status_code == 201
    raw_key = created.json()["key"]
    assert raw_key.startswith("bsk_")
    stored = ApiKey.objects.get()
    assert raw_key not in (stored.digest, stored.prefix)
    assert stored.prefix == raw_key[:12]
    (item,) = listed.json()["items"]
    assert "key" not in item
    assert item["scopes"] == ["read", "scans:write"]


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["x-api-key", "bearer"])
def test_a_read_key_reads_its_organizations_projects_and_records_its_use(organization, header):
    project = ProjectFactory(organization=organization)
    ProjectFactory()  # another organization's
    api_key, raw_key = api_key_with_secret(organization=organization, scopes=("read",))

    response = _with_key(raw_key, header=header).get(PROJECTS)

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [str(project.pk)]
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


@pytest.mark.django_db
def test_a_key_without_the_read_scope_reads_nothing(organization):
    ProjectFactory(organization=organization)
    _, raw_key = api_key_with_secret(organization=organization, scopes=("chat",))

    listed = _with_key(raw_key).get(PROJECTS)
    detail = _with_key(raw_key).get(reverse("organization-detail", args=[organization.pk]))

    assert listed.json()["total"] == 0
    assert detail.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("scope", "reads"), [("read", True), ("scans:write", False), ("chat", False)])
def test_a_key_gets_the_same_answer_from_the_organization_list_and_detail(organization, scope, reads):
    _, raw_key = api_key_with_secret(organization=organization, scopes=(scope,))
    client = _with_key(raw_key)

    listed = client.get(reverse("organization-list"))
    detail = client.get(reverse("organization-detail", args=[organization.pk]))

    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == ([str(organization.pk)] if reads else [])
    assert detail.status_code == (200 if reads else 403)


@pytest.mark.django_db
def test_a_key_never_manages_anything(organization):
    project = ProjectFactory(organization=organization)
    _, raw_key = api_key_with_secret(organization=organization, scopes=("read", "scans:write", "chat"))
    client = _with_key(raw_key)

    renamed = client.patch(reverse("project-detail", args=[project.pk]), {"name": "x"})
    new_key = client.post(KEYS, {"organization_id": str(organization.pk), "name": "k", "scopes": ["read"]})
    new_org = client.post(reverse("organization-list"), {"name": "K", "slug": "key-org"})
    profile = client.get(reverse("auth-me"))

    assert (renamed.status_code, new_key.status_code, new_org.status_code) == (403, 403, 403)
    assert profile.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", [{"revoked_at": timezone.now()}, {"expires_at": timezone.now() - timedelta(seconds=1)}]
)
def test_expired_and_revoked_keys_are_refused(organization, state):
    _, raw_key = api_key_with_secret(organization=organization, **state)

    response = _with_key(raw_key).get(PROJECTS)

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_an_unknown_key_is_refused(db):
    response = _with_key("bsk_not-a-real-key").get(PROJECTS)

    assert response.status_code == 401


@pytest.mark.django_db
def test_revoking_a_key_stops_it_at_once(owner_client, organization):
    api_key, raw_key = api_key_with_secret(organization=organization)

    revoked = owner_client.delete(reverse("api-key-detail", args=[api_key.pk]))

    assert revoked.status_code == 204
    assert _with_key(raw_key).get(PROJECTS).status_code == 401
    assert owner_client.get(KEYS).json()["total"] == 0


@pytest.mark.django_db
def test_members_neither_see_nor_create_keys(organization, member_of):
    api_key_with_secret(organization=organization)
    member = client_for(member_of(Role.MEMBER).user)

    listed = member.get(KEYS)
    created = member.post(KEYS, {"organization_id": str(organization.pk), "name": "k", "scopes": ["read"]})

    assert listed.json()["total"] == 0
    assert created.status_code == 403


@pytest.mark.django_db
def test_a_key_for_another_organization_cannot_be_created(auth_client, organization):
    response = auth_client.post(KEYS, {"organization_id": str(organization.pk), "name": "k", "scopes": ["read"]})

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {"organization_id": "not-a-uuid", "name": "k", "scopes": ["read"]},
        {"name": "k", "scopes": [], "organization_id": None},
        {"scopes": ["admin"], "name": "k"},
        {"scopes": "read", "name": "k"},
        {"scopes": ["read"], "name": 5},
        {"scopes": ["read"], "name": "k", "expires_at": "yesterday"},
    ],
)
def test_key_creation_reports_bad_input(owner_client, organization, payload):
    payload = {"organization_id": str(organization.pk), **payload}

    response = owner_client.post(KEYS, payload)

    assert response.status_code == 422
    assert not ApiKey.objects.exists()


@pytest.mark.django_db
def test_a_key_cannot_expire_in_the_past(owner_client, organization):
    expired = (timezone.now() - timedelta(days=1)).isoformat()
    payload = {"organization_id": str(organization.pk), "name": "k", "scopes": ["read"], "expires_at": expired}

    response = owner_client.post(KEYS, payload)

    assert response.status_code == 422
    assert "expires_at" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("second_key", ["valid", "wrong", "blank"])
def test_a_key_beside_a_bearer_token_is_refused_rather_than_one_of_them_chosen(owner, organization, second_key):
    _, raw_key = api_key_with_secret(organization=organization, scopes=("read",))
    client = client_for(owner.user)
    client.credentials(
        HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"],
        HTTP_X_API_KEY={"valid": raw_key, "wrong": "bsk_not-a-key", "blank": ""}[second_key],
    )

    response = client.get(PROJECTS)

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_key_header_is_a_failed_key_not_an_anonymous_request(blank):
    response = _with_key(blank).get(PROJECTS)

    assert response.status_code == 401
    assert response.json()["error_code"] == "INVALID_TOKEN"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [KEYS, PROJECTS])
def test_an_empty_org_id_filter_is_refused_not_widened(owner_client, url):
    response = owner_client.get(url, {"org_id": ""})

    assert response.status_code == 422
    assert response.json()["errors"] == {"org_id": ["Must be a valid UUID."]}
