"""The knowledge page in real Chromium: a PDF uploaded with its progress shown, processed and listed
Ready; a refused file's error shown on the form; a memory kept and forgotten."""

import pytest
from playwright.sync_api import Page, expect

from chats.models import Document
from organizations.roles import Role
from tests.accounts.mfa import enrolled_user, totp_code
from tests.chats.pdf import pdf_with_text
from tests.e2e.conftest import screenshot, sign_in
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in_member(page: Page) -> object:
    ada = enrolled_user(email="ada@example.com", username="ada", full_name="Ada Lovelace")
    organization = OrganizationFactory(name="Initech")
    MembershipFactory(organization=organization, user=ada.user, role=Role.MEMBER)
    sign_in(page, ada.user.email, totp_code(ada.device))
    return organization


def test_upload_a_pdf_with_progress_and_see_it_ready(page: Page, live_server):
    organization = _signed_in_member(page)
    page.get_by_role("link", name="Knowledge", exact=True).click()

    page.get_by_label("File").set_input_files(
        {"name": "badges.pdf", "mimeType": "application/pdf", "buffer": pdf_with_text("Badges are renewed yearly.")}
    )
    with page.expect_request(lambda r: r.method == "POST" and r.headers.get("x-requested-with") == "XMLHttpRequest"):
        page.get_by_role("button", name="Upload").click()

    expect(page.get_by_text("badges.pdf was uploaded")).to_be_visible()
    row = page.locator("tr", has_text="badges.pdf")
    expect(row).to_contain_text("Ready")
    expect(row).to_contain_text("1 chunk")
    assert Document.objects.in_organization(organization).get().status == Document.Status.READY
    screenshot(page, "knowledge")


def test_a_refused_file_shows_its_error_on_the_form(page: Page, live_server):
    _signed_in_member(page)
    page.goto("/knowledge/")

    page.get_by_label("File").set_input_files({"name": "photo.png", "mimeType": "image/png", "buffer": b"\x89PNG"})
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_text("Files of type image/png are not accepted")).to_be_visible()


def test_keep_and_forget_a_memory(page: Page, live_server):
    _signed_in_member(page)
    page.goto("/knowledge/")

    page.get_by_label("Remember").fill("I prefer answers in French")
    page.get_by_role("button", name="Remember").click()
    expect(page.get_by_text("I prefer answers in French")).to_be_visible()
    page.get_by_role("button", name="Forget").click()

    expect(page.get_by_text("Forgotten.")).to_be_visible()
    expect(page.get_by_text("I prefer answers in French")).to_have_count(0)
