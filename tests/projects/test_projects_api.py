import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from organizations.roles import Role
from projects.models import Project
from tests.conftest import client_for
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

LIST = reverse("project-list")


def _payload(organization, **fields):
    return {"organization_id": str(organization.pk), "name": "Backend", "repo_type": "github", **fields}


@pytest.mark.django_db
def test_an_admin_creates_a_project_and_its_token_never_comes_back(organization, member_of):
    admin = client_for(member_of(Role.ADMIN).user)
    payload = _payload(organization, repo_url="https://github.com/acme/backend", github_token="ghp_secret123")

    created = admin.post(LIST, payload)
    fetched = admin.get(reverse("project-detail", args=[created.json()["id"]]))

    assert created.status_code == 201
    for response in (created, fetched):
        body = response.json()
        assert "github_token" not in body
        assert "ghp_secret123" not in response.content.decode()
        assert body["has_github_token"] is True
        assert (body["scan_count"], body["last_scan"], body["last_risk_score"]) == (0, None, None)
    assert Project.objects.get().github_token == "ghp_secret123"
    with connection.cursor() as cursor:
        cursor.execute("SELECT github_token FROM projects_project")
        assert "ghp_secret123" not in cursor.fetchone()[0]


@pytest.mark.django_db
def test_projects_filter_by_organization(user, auth_client):
    first, second = OrganizationFactory(), OrganizationFactory()
    for organization in (first, second):
        MembershipFactory(organization=organization, user=user, role=Role.VIEWER)
        ProjectFactory(organization=organization)
    ProjectFactory()  # not mine

    everything = auth_client.get(LIST).json()
    only_first = auth_client.get(LIST, {"org_id": str(first.pk)}).json()
    bad_filter = auth_client.get(LIST, {"org_id": "nope"})

    assert everything["total"] == 2
    assert [item["organization_id"] for item in only_first["items"]] == [str(first.pk)]
    assert bad_filter.status_code == 422


# Loopback and private hosts in other spellings, and URLs a command line would read as options.
DISGUISED_URLS = [
    "https://127.1/x",
    "https://１２７.０.０.１/x",
    "https://2130706433/x",
    "https://0x7f.1/x",
    "https://0177.0.0.1/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://[::ffff:7f00:1]/x",
    "https://[fe80::1%25eth0]/x",
    "https://localhost./x",
    "https://ｌｏｃａｌｈｏｓｔ/x",
    "https://host.example/x --upload-pack=touch /tmp/pwned",
    "-https://host.example/x",
    "git@192.168.1.10.:acme/repo.git",
    "git@github.com:-oProxyCommand=touch",
    "-oProxyCommand=touch@github.com:acme/repo.git",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://github.com/acme/repo",
        "https://127.0.0.1/repo.git",
        "https://10.0.0.8/repo.git",
        "https://[::1]/repo.git",
        "https://localhost/repo.git",
        "https://gitlab.internal/repo.git",
        "git@192.168.1.10:acme/repo.git",
        "https://user:pass@github.com/acme/repo",
        "javascript:alert(1)",
        *DISGUISED_URLS,
    ],
)
def test_local_private_and_unsafe_repository_urls_are_refused(owner_client, organization, url):
    response = owner_client.post(LIST, _payload(organization, repo_url=url))

    assert response.status_code == 422
    assert "repo_url" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", DISGUISED_URLS)
def test_updating_to_a_disguised_private_or_option_like_url_is_refused(owner_client, organization, url):
    project = ProjectFactory(organization=organization, repo_url="https://github.com/acme/repo")

    response = owner_client.patch(reverse("project-detail", args=[project.pk]), {"repo_url": url})

    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"
    assert "repo_url" in response.json()["errors"]
    project.refresh_from_db()
    assert project.repo_url == "https://github.com/acme/repo"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["https://github.com/acme/repo", "git@github.com:acme/repo.git", "ssh://git@gitlab.com/a/b"]
)
def test_remote_repository_urls_are_accepted(owner_client, organization, url):
    assert owner_client.post(LIST, _payload(organization, repo_url=url)).status_code == 201


@pytest.mark.django_db
@override_settings(ALLOW_PRIVATE_REPO_URLS=True)
def test_an_operator_may_allow_private_repository_urls(owner_client, organization):
    response = owner_client.post(LIST, _payload(organization, repo_url="https://gitlab.internal/a/b.git"))

    assert response.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": 7}, "name"),
        ({"repo_type": "svn"}, "repo_type"),
        ({"is_public": "maybe"}, "is_public"),
        ({"organization_id": "x"}, "organization_id"),
    ],
)
def test_creation_reports_bad_fields(owner_client, organization, fields, field):
    response = owner_client.post(LIST, _payload(organization, **fields))

    assert response.status_code == 422
    assert field in response.json()["errors"]


@pytest.mark.django_db
def test_project_names_are_unique_within_an_organization(owner_client, organization):
    ProjectFactory(organization=organization, name="Backend")

    response = owner_client.post(LIST, _payload(organization))

    assert response.status_code == 422
    assert "name" in response.json()["errors"]


@pytest.mark.django_db
def test_update_keeps_the_token_unless_a_new_one_is_given(owner_client, organization):
    project = ProjectFactory(organization=organization, github_token="ghp_old")

    owner_client.patch(reverse("project-detail", args=[project.pk]), {"description": "API"})
    project.refresh_from_db()
    kept = project.github_token
    owner_client.patch(reverse("project-detail", args=[project.pk]), {"github_token": "ghp_new"})
    project.refresh_from_db()

    assert (kept, project.github_token, project.description) == ("ghp_old", "ghp_new", "API")


@pytest.mark.django_db
def test_a_member_reads_but_does_not_change_projects(organization, member_of):
    project = ProjectFactory(organization=organization)
    member = client_for(member_of(Role.MEMBER).user)

    read = member.get(reverse("project-detail", args=[project.pk]))
    deleted = member.delete(reverse("project-detail", args=[project.pk]))

    assert read.status_code == 200
    assert deleted.status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


@pytest.mark.django_db
def test_the_organization_comes_from_membership_not_the_body(auth_client, organization):
    response = auth_client.post(LIST, _payload(organization))

    assert response.status_code == 404
    assert not Project.objects.exists()
