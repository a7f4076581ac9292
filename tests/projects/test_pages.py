"""Project pages: the current organization's list, create, edit (the token stays write-only), delete, admin."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.context_processors import SESSION_KEY
from organizations.roles import Action, Role, role_allows
from projects.models import Project
from tests.accounts.factories import UserFactory
from tests.accounts.mfa import session_login
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PROJECTS = reverse("project-list-page")
NEW = reverse("project-create-page")
TOKEN = "ghp_s3cretTokenValue1234567890"


def _edit(project: Project) -> str:
    return reverse("project-edit-page", args=[project.pk])


def _delete(project: Project) -> str:
    return reverse("project-delete-page", args=[project.pk])


def _form(**overrides: object) -> dict[str, object]:
    return {"name": "web", "repo_type": "github", "repo_url": "https://github.com/acme/web"} | overrides


@pytest.mark.parametrize("role", Role.values)
def test_every_member_sees_the_current_organizations_projects_with_their_scores(client, organization, member_of, role):
    scanned = ProjectFactory(
        organization=organization, name="api", scan_count=12, last_risk_score=73, last_scan=timezone.now()
    )
    fresh = ProjectFactory(organization=organization, name="web")
    ProjectFactory(name="not-ours")

    response = session_login(client, member_of(role).user).get(PROJECTS)

    assert response.status_code == 200
    assert response.context["rows"] == [(scanned, "high"), (fresh, "none")]
    page = response.content.decode()
    assert "not-ours" not in page
    assert '<td class="cell-number">12</td>' in page
    assert '<span class="risk-score">73</span>' in page
    assert ("New project" in page) is role_allows(role, Action.PROJECTS_MANAGE)
    assert (_edit(scanned) in page) is role_allows(role, Action.PROJECTS_MANAGE)


def test_the_list_costs_the_same_queries_for_one_project_or_many(client, organization, owner):
    ProjectFactory(organization=organization)
    session_login(client, owner.user)
    with CaptureQueriesContext(connection) as few:
        client.get(PROJECTS)

    ProjectFactory.create_batch(8, organization=organization, last_risk_score=50)
    with CaptureQueriesContext(connection) as many:
        response = client.get(PROJECTS)

    assert len(response.context["rows"]) == 9
    assert len(many) == len(few)


def test_the_list_follows_the_switcher(client, organization, owner):
    other = MembershipFactory(user=owner.user, organization=OrganizationFactory(name="Zeta"), role=Role.VIEWER)
    ProjectFactory(organization=organization, name="acme-app")
    ProjectFactory(organization=other.organization, name="zeta-app")
    session_login(client, owner.user)

    before = client.get(PROJECTS)
    client.post(reverse("organization-switch"), {"organization_id": other.organization.pk, "next": PROJECTS})
    after = client.get(PROJECTS)

    assert [project.name for project, _ in before.context["rows"]] == ["acme-app"]
    assert [project.name for project, _ in after.context["rows"]] == ["zeta-app"]
    assert "New project" not in after.content.decode()  # a viewer there


def test_someone_in_no_organization_is_pointed_to_create_one(client):
    session_login(client, UserFactory())

    response = client.get(PROJECTS)
    creating = client.get(NEW)

    assert response.status_code == 200
    assert "Projects live in an organization" in response.content.decode()
    assert creating.status_code == 302
    assert creating["Location"] == reverse("organization-list-page")


def test_an_admin_creates_a_project_in_the_current_organization(client, organization, member_of):
    other = OrganizationFactory()
    admin = member_of(Role.ADMIN)
    MembershipFactory(user=admin.user, organization=other, role=Role.OWNER)
    session_login(client, admin.user)
    client.post(reverse("organization-switch"), {"organization_id": organization.pk, "next": PROJECTS})

    response = client.post(NEW, _form(github_token=TOKEN, description="Storefront", is_public="on"))

    assert response.status_code == 302
    project = Project.objects.get(name="web")
    assert project.organization == organization
    assert (project.repo_url, project.description, project.is_public) == (
        "https://github.com/acme/web",
        "Storefront",
        True,
    )
    assert project.github_token == TOKEN


def test_a_refused_project_shows_why_on_the_form(client, organization, owner):
    ProjectFactory(organization=organization, name="web")
    session_login(client, owner.user)

    duplicate = client.post(NEW, _form())
    local_url = client.post(NEW, _form(name="other", repo_url="https://localhost/repo.git"))

    assert duplicate.status_code == 400
    assert duplicate.context["form"].errors == {"name": ["A project with this name exists in the organization."]}
    assert local_url.status_code == 400
    assert local_url.context["form"].errors["repo_url"] == [
        "This address is local or private; an operator can allow such URLs."
    ]
    assert Project.objects.count() == 1


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_cannot_create_edit_or_delete(client, organization, member_of, role):
    project = ProjectFactory(organization=organization, name="api")
    session_login(client, member_of(role).user)

    responses = [
        client.get(NEW),
        client.post(NEW, _form()),
        client.get(_edit(project)),
        client.post(_edit(project), _form(name="renamed")),
        client.get(_delete(project)),
        client.post(_delete(project)),
    ]

    assert [response.status_code for response in responses] == [403] * 6
    assert "Access denied" in responses[0].content.decode()
    assert list(Project.objects.values_list("name", flat=True)) == ["api"]


def test_the_token_is_never_sent_back_and_an_empty_field_keeps_it(client, organization, owner):
    project = ProjectFactory(organization=organization, name="api", github_token=TOKEN)
    session_login(client, owner.user)

    page = client.get(_edit(project))
    saved = client.post(_edit(project), _form(name="api-v2", github_token=""))

    assert page.status_code == 200
    assert TOKEN not in page.content.decode()
    assert "Token set" in page.content.decode()
    assert 'type="password"' in page.content.decode()
    assert saved.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.github_token) == ("api-v2", TOKEN)


def test_a_new_token_replaces_the_old_and_the_token_can_be_removed(client, organization, owner):
    project = ProjectFactory(organization=organization, name="api", github_token=TOKEN)
    session_login(client, owner.user)

    client.post(_edit(project), _form(name="api", github_token="ghp_newer"))
    project.refresh_from_db()
    replaced = project.github_token
    client.post(_edit(project), _form(name="api", github_token_clear="on"))
    project.refresh_from_db()

    assert replaced == "ghp_newer"
    assert project.github_token == ""
    assert "Token set" not in client.get(_edit(project)).content.decode()


def test_a_refused_edit_keeps_the_project_and_its_name_on_the_page(client, organization, owner):
    ProjectFactory(organization=organization, name="web")
    project = ProjectFactory(organization=organization, name="api")

    response = session_login(client, owner.user).post(_edit(project), _form(name="web"))

    assert response.status_code == 400
    assert response.context["project"].name == "api"
    project.refresh_from_db()
    assert project.name == "api"


def test_deleting_asks_first_then_deletes(client, organization, member_of):
    project = ProjectFactory(organization=organization, name="api")
    session_login(client, member_of(Role.ADMIN).user)

    confirmation = client.get(_delete(project))
    assert Project.objects.filter(pk=project.pk).exists()
    response = client.post(_delete(project))

    assert confirmation.status_code == 200
    assert "Delete api?" in confirmation.content.decode()
    assert response.status_code == 302
    assert response["Location"] == PROJECTS
    assert not Project.objects.filter(pk=project.pk).exists()


def test_a_project_of_my_other_organization_is_edited_under_my_role_there(client, organization, owner):
    elsewhere = MembershipFactory(user=owner.user, organization=OrganizationFactory(), role=Role.VIEWER).organization
    theirs = ProjectFactory(organization=elsewhere)
    session_login(client, owner.user)
    session = client.session
    session[SESSION_KEY] = str(organization.pk)  # an owner here, but only a viewer where the project is
    session.save()

    assert client.post(_delete(theirs)).status_code == 403
    assert Project.objects.filter(pk=theirs.pk).exists()


def test_the_admin_never_shows_the_token(organization):
    project = ProjectFactory(organization=organization, github_token=TOKEN)
    operator = session_login(Client(), UserFactory(is_staff=True, is_superuser=True))

    listing = operator.get(reverse("admin:projects_project_changelist"), {"q": project.name})
    detail = operator.get(reverse("admin:projects_project_change", args=[project.pk]))

    assert [p.pk for p in listing.context["cl"].result_list] == [project.pk]
    assert detail.status_code == 200
    assert "github_token" not in detail.context["adminform"].form.fields
    assert TOKEN not in detail.content.decode()
