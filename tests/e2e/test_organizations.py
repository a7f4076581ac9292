"""Organizations in real Chromium: create one, invite someone who accepts from the emailed link, projects, API keys.

Everyone signs in through the real pages: the password, then a code from their authenticator app.
"""

import re
from collections.abc import Iterator

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from organizations.models import ApiKey, Membership, Organization
from organizations.roles import Role
from projects.models import Project
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.accounts.mfa import Enrolled, enrolled_user, totp_code
from tests.e2e.conftest import alerts_socket_refused, screenshot, sign_in
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INVITATION_LINK = re.compile(r"https?://[^/\s]+(/invitations/[^/\s]+/)")


@pytest.fixture
def ada() -> Enrolled:
    return enrolled_user(email="ada@example.com", username="ada", full_name="Ada Lovelace")


@pytest.fixture
def second_page(browser: Browser, live_server) -> Iterator[Page]:
    """Another person's browser: its own cookies, and the same watch for errors as `page`."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and not alerts_socket_refused(message.text) and problems.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert not problems, "The second browser reported errors:\n" + "\n".join(problems)


def _signed_in(page: Page, enrolled: Enrolled) -> None:
    sign_in(page, enrolled.user.email, totp_code(enrolled.device))
    expect(page.get_by_role("heading", name=f"Welcome, {enrolled.user.full_name}")).to_be_visible()


def test_create_an_organization_and_invite_someone_who_accepts_from_the_email(page, second_page, live_server, ada):
    _signed_in(page, ada)
    page.get_by_label("Organization: none. Switch organization").click()
    screenshot(page, "organization-switcher-empty", full_page=False)
    page.get_by_role("link", name="Create an organization").click()
    expect(page.get_by_text("You are not in any organization yet.", exact=True)).to_be_visible()

    page.get_by_label("Name").fill("Initech Security")
    expect(page.get_by_label("Slug")).to_have_value("initech-security")  # suggested from the name
    page.get_by_label("Industry").fill("Software")
    page.get_by_label("Country").fill("de")
    screenshot(page, "organizations-create")
    page.get_by_role("button", name="Create organization").click()

    organization = Organization.objects.get(slug="initech-security")
    expect(page).to_have_url(f"{live_server.url}/organizations/{organization.pk}/members/")
    expect(page.get_by_role("status")).to_have_text("Initech Security is ready. Invite the people you work with.")
    expect(page.get_by_label("Organization: Initech Security. Switch organization")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Ada Lovelace"))).to_contain_text("Owner")
    screenshot(page, "organization-members")

    page.get_by_role("link", name="Invite people").click()
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Role").select_option("admin")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation emailed to grace@example.com")
    expect(page.get_by_role("row", name=re.compile("grace@example.com"))).to_contain_text("Admin")
    screenshot(page, "organization-invitations")

    # The invitee reads the link in her email (live_server runs in this process: the same outbox).
    grace = enrolled_user(email="grace@example.com", username="grace", full_name="Grace Hopper")
    link = INVITATION_LINK.search(mail.outbox[-1].body).group(1)
    second_page.goto(link)
    expect(second_page).to_have_url(re.compile(r"/login/\?next="))
    second_page.get_by_label("Email or username").fill("grace@example.com")
    second_page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    second_page.get_by_role("button", name="Sign in").click()
    second_page.get_by_label("Authentication code").fill(totp_code(grace.device))
    second_page.get_by_role("button", name="Verify").click()

    expect(second_page).to_have_url(f"{live_server.url}{link}")
    expect(second_page.get_by_role("heading", name="Join Initech Security")).to_be_visible()
    expect(second_page.get_by_text("Ada Lovelace invited you")).to_be_visible()
    screenshot(second_page, "invitation-accept")
    second_page.get_by_role("button", name="Accept invitation").click()

    expect(second_page).to_have_url(f"{live_server.url}/projects/")
    expect(second_page.get_by_role("status")).to_have_text("You joined Initech Security as admin.")
    expect(second_page.get_by_label("Organization: Initech Security. Switch organization")).to_be_visible()
    screenshot(second_page, "projects-empty")
    assert Membership.objects.get(organization=organization, user=grace.user).role == Role.ADMIN
    second_page.goto(link)  # a used link names nothing
    expect(second_page.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()
    screenshot(second_page, "invitation-invalid")

    page.reload()
    expect(page.get_by_text("No pending invitations.")).to_be_visible()
    page.get_by_role("navigation", name="Initech Security").get_by_role("link", name="Members").click()
    expect(page.get_by_role("row", name=re.compile("Grace Hopper"))).to_be_visible()
    expect(page.get_by_label("Role of grace@example.com")).to_have_value("admin")

    # Ada is the only owner: stepping down is refused, and the page says why.
    page.get_by_label("Role of ada@example.com").select_option("admin")
    page.get_by_role("row", name=re.compile("Ada Lovelace")).get_by_role("button", name="Change").click()
    expect(page.get_by_role("status")).to_have_text("An organization must keep at least one owner.")
    expect(page.get_by_label("Role of ada@example.com")).to_have_value("owner")
    screenshot(page, "organization-members-last-owner")


def test_create_edit_and_delete_a_project_in_the_current_organization(page, live_server, ada):
    acme = MembershipFactory(user=ada.user, organization=OrganizationFactory(name="Acme"), role=Role.OWNER)
    zeta = MembershipFactory(user=ada.user, organization=OrganizationFactory(name="Zeta Labs"), role=Role.VIEWER)
    ProjectFactory(organization=zeta.organization, name="zeta-billing")
    ProjectFactory(
        organization=acme.organization, name="payments", scan_count=14, last_risk_score=82, description="Card vault"
    )
    ProjectFactory(organization=acme.organization, name="docs-site", scan_count=3, last_risk_score=12)
    _signed_in(page, ada)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    expect(page.get_by_role("heading", name="Projects", exact=True)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("payments"))).to_contain_text("82")
    expect(page.get_by_text("zeta-billing")).to_have_count(0)

    page.get_by_role("link", name="New project").click()
    page.get_by_label("Name").fill("storefront")
    page.get_by_label("Description").fill("The public shop")
    page.get_by_label("Repository", exact=True).select_option("github")
    page.get_by_label("Repository URL").fill("https://github.com/acme/storefront")
    page.get_by_label("Access token").fill("ghp_exampleToken1234")
    screenshot(page, "project-create")
    page.get_by_role("button", name="Create project").click()

    expect(page.get_by_role("status")).to_have_text("Project storefront created in Acme.")
    expect(page.get_by_role("row", name=re.compile("storefront"))).to_contain_text("Not scanned")
    screenshot(page, "projects")
    assert Project.objects.get(name="storefront").github_token == "ghp_exampleToken1234"

    page.get_by_role("link", name="Edit storefront").click()
    expect(page.get_by_text("Token set")).to_be_visible()
    expect(page.get_by_label("Access token")).to_have_value("")
    screenshot(page, "project-edit")
    page.get_by_label("Name").fill("storefront-v2")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Project storefront-v2 saved.")
    assert Project.objects.get(name="storefront-v2").github_token == "ghp_exampleToken1234"

    page.get_by_role("link", name="Delete storefront-v2").click()
    expect(page.get_by_role("heading", name="Delete storefront-v2?")).to_be_visible()
    screenshot(page, "project-delete")
    page.get_by_role("button", name="Delete project").click()
    expect(page.get_by_role("status")).to_have_text("Project storefront-v2 deleted.")
    assert not Project.objects.filter(name="storefront-v2").exists()

    # Switching organization: the list follows, and a viewer there gets no buttons to change anything.
    page.get_by_label("Organization: Acme. Switch organization").click()
    screenshot(page, "organization-switcher", full_page=False)
    page.get_by_role("button", name="Zeta Labs").click()
    expect(page).to_have_url(f"{live_server.url}/projects/")
    expect(page.get_by_text("zeta-billing")).to_be_visible()
    expect(page.get_by_text("payments")).to_have_count(0)
    expect(page.get_by_role("link", name="New project")).to_have_count(0)

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("Organization: Zeta Labs. Switch organization").click()
    expect(page.get_by_role("button", name="Acme")).to_be_visible()
    screenshot(page, "projects-phone", full_page=False)


def test_an_api_key_is_shown_once_copied_and_revoked(page, live_server, ada):
    organization = MembershipFactory(user=ada.user, organization=OrganizationFactory(name="Acme"), role=Role.OWNER)
    organization = organization.organization
    _signed_in(page, ada)

    page.goto(f"/organizations/{organization.pk}/api-keys/")
    expect(page.get_by_text("No API keys yet.")).to_be_visible()
    page.get_by_label("Name").fill("CI pipeline")
    page.get_by_label("Submit scans").check()
    page.get_by_label("Expires").select_option("90")
    page.get_by_role("button", name="Create key").click()

    expect(page.get_by_role("heading", name="Your new API key “CI pipeline”")).to_be_visible()
    raw_key = page.get_by_role("textbox", name="API key").input_value()
    assert raw_key.startswith("bsk_")
    page.get_by_role("button", name="Copy key").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == raw_key
    screenshot(page, "api-key-created")

    page.get_by_role("link", name="I have copied it, done").click()
    row = page.get_by_role("row", name=re.compile("CI pipeline"))
    expect(row).to_contain_text(raw_key[:12])
    expect(row).to_contain_text("scans:write")
    assert raw_key not in page.content()
    screenshot(page, "api-keys")

    # The key works against the API until it is revoked.
    api = page.request.get(f"/api/v1/projects?org_id={organization.pk}", headers={"X-API-Key": raw_key})
    assert api.status == 200
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke CI pipeline").click()
    expect(page.get_by_role("status")).to_contain_text("is revoked")
    assert ApiKey.objects.get().revoked_at is not None
    assert page.request.get("/api/v1/projects", headers={"X-API-Key": raw_key}).status == 401


def test_the_owner_deletes_an_organization_only_after_typing_its_slug(page, live_server, ada):
    organization = OrganizationFactory(name="Old Co", slug="old-co")
    MembershipFactory(user=ada.user, organization=organization, role=Role.OWNER)
    _signed_in(page, ada)

    page.goto(f"/organizations/{organization.pk}/")
    delete = page.get_by_role("button", name="Delete this organization")
    expect(delete).to_be_disabled()
    page.get_by_label("Type old-co to confirm").fill("old-c")
    expect(delete).to_be_disabled()
    page.get_by_label("Type old-co to confirm").fill("old-co")
    expect(delete).to_be_enabled()
    screenshot(page, "organization-settings")
    delete.click()

    expect(page).to_have_url(f"{live_server.url}/organizations/")
    expect(page.get_by_role("status")).to_have_text("Old Co and everything it owned are deleted.")
    assert not Organization.objects.filter(pk=organization.pk).exists()
    assert User.objects.filter(pk=ada.user.pk).exists()
