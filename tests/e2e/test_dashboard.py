import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import enrolled_user, totp_code
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _password_step(page: Page, identifier: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Email or username").fill(identifier)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_visitor_registers_and_is_asked_for_a_second_factor_before_anything_else(page, live_server):
    page.goto("/register/")
    page.get_by_label("Email", exact=True).fill("ada@example.com")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    screenshot(page, "register")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_server.url}/mfa/enroll/")
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Your account is created. Now protect it with a second factor.")
    assert User.objects.filter(email="ada@example.com", username="ada").exists()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)

    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")


def test_a_signed_in_user_sees_home_and_signs_out_from_the_user_menu(page, live_server):
    enrolled = enrolled_user(email="ada@example.com", username="ada", full_name="Ada Lovelace")

    sign_in(page, "ada", totp_code(enrolled.device))

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Welcome, Ada Lovelace")).to_be_visible()
    screenshot(page, "home")
    page.get_by_label("Account menu for ada@example.com").click()
    expect(page.get_by_role("link", name="Security settings")).to_be_visible()
    screenshot(page, "home-user-menu")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    screenshot(page, "signed-out")


def test_a_wrong_password_is_refused_with_a_message_on_the_form(page, live_server):
    user = UserFactory()

    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        _password_step(page, user.email, "Not-the-password-42")

    assert answer.value.status == 400
    expect(page.get_by_role("alert")).to_have_text("Invalid credentials.")
    expect(page.get_by_label("Email or username")).to_have_value(user.email)
    expect(page.get_by_role("link", name="Home")).to_have_count(0)
    screenshot(page, "login-error")


def test_registering_with_a_weak_password_shows_the_reasons_under_the_field(page):
    page.goto("/register/")
    page.get_by_label("Email", exact=True).fill("grace@example.com")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()

    password_errors = page.locator("#id_password_error")
    expect(password_errors).to_contain_text("too short")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    assert not User.objects.filter(email="grace@example.com").exists()
    screenshot(page, "register-errors")


def test_the_home_page_fits_a_phone_screen(page, live_server):
    enrolled = enrolled_user(full_name="Margaret Hamilton", is_staff=True)
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, enrolled.user.username, totp_code(enrolled.device))

    expect(page.get_by_role("heading", name="Welcome, Margaret Hamilton")).to_be_visible()
    expect(page.get_by_role("link", name="Admin", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "home-phone")


def test_staff_reach_the_admin_from_the_navigation(page):
    enrolled = enrolled_user(is_staff=True, is_superuser=True)
    user = enrolled.user
    sign_in(page, user.email, totp_code(enrolled.device))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Users").click()

    expect(page.get_by_role("link", name=user.email)).to_be_visible()
    screenshot(page, "admin-users")


def test_an_unknown_page_shows_the_not_found_page(page):
    response = page.goto("/no-such-page/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    screenshot(page, "not-found")


def test_swagger_ui_shows_the_api_and_its_operations(page):
    page.goto("/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Bastion API")
    expect(page.locator('.opblock-summary-path[data-path="/api/v1/auth/login"]')).to_be_visible()
    screenshot(page, "swagger-ui")


def test_redoc_shows_the_api_and_its_operations(page):
    page.goto("/redoc")

    # ReDoc renders the whole schema in the browser first: slow on a busy machine.
    expect(page.get_by_role("heading", name=re.compile(r"^Bastion API"))).to_be_visible(timeout=20_000)
    expect(page.get_by_role("heading", name="Sign in, first step: password")).to_be_visible()
    screenshot(page, "redoc", full_page=False)
