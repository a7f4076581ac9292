import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from accounts.models import User
from config import urls as project_urls
from config.asgi import application as asgi_application
from organizations.roles import Role
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import enrolled_user, session_login, totp_code
from tests.asgi import asgi_get
from tests.organizations.factories import MembershipFactory, OrganizationFactory


def _fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom: internal detail")


def _deny(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


# The project's routes plus views that fail, for the error pages (used with @pytest.mark.urls).
urlpatterns = [
    path("broken/", _fail),
    path("api/v1/broken", _fail),
    path("v1/broken", _fail),
    path("forbidden/", _deny),
    *project_urls.urlpatterns,
]
handler500 = project_urls.handler500


def _registration(**overrides: str) -> dict[str, str]:
    return {
        "email": "ada@example.com",
        "username": "ada",
        "full_name": "Ada Lovelace",
        "password": DEFAULT_PASSWORD,
    } | overrides


def _signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_registering_creates_the_account_and_asks_for_a_second_factor_before_signing_in(client):
    response = client.post(reverse("register"), _registration(), follow=True)

    assert response.redirect_chain == [(reverse("mfa-enroll"), 302)]
    user = User.objects.get(email="ada@example.com")
    assert _signed_in_user_id(client) is None
    assert user.check_password(DEFAULT_PASSWORD)
    assert "Your account is created. Now protect it with a second factor." in response.text
    assert "Set up two-step verification" in response.text


@pytest.mark.django_db
def test_registering_with_a_weak_password_shows_every_reason_and_creates_no_user(client):
    response = client.post(reverse("register"), _registration(password="password"))

    assert response.status_code == 400
    reasons = response.context["form"].errors["password"]
    assert "This password is too short. It must contain at least 12 characters." in reasons
    assert "This password is too common." in reasons
    assert 'id="id_password_error"' in response.text
    assert not User.objects.exists()
    assert _signed_in_user_id(client) is None


@pytest.mark.django_db
def test_registering_with_a_taken_email_is_refused_whatever_its_case(client):
    UserFactory(email="ada@example.com")

    response = client.post(reverse("register"), _registration(email="ADA@Example.com"))

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["An account with this email already exists."]
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["email", "username"])
def test_signing_in_with_email_or_username_then_a_code_opens_home(client, field):
    enrolled = enrolled_user()

    password_step = client.post(
        reverse("login"), {"identifier": getattr(enrolled.user, field), "password": DEFAULT_PASSWORD}
    )
    assert password_step.url == reverse("login-verify")
    assert _signed_in_user_id(client) is None
    response = client.post(reverse("login-verify"), {"code": totp_code(enrolled.device)})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert _signed_in_user_id(client) == str(enrolled.user.pk)


@pytest.mark.django_db
def test_a_wrong_password_and_an_unknown_account_get_the_same_refusal(client):
    user = UserFactory()

    wrong_password = client.post(reverse("login"), {"identifier": user.email, "password": "Not-the-password-42"})
    unknown_account = client.post(reverse("login"), {"identifier": "nobody@example.com", "password": DEFAULT_PASSWORD})

    assert wrong_password.status_code == unknown_account.status_code == 400
    assert wrong_password.context["form"].errors == {"__all__": ["Invalid credentials."]}
    assert unknown_account.context["form"].errors == {"__all__": ["Invalid credentials."]}
    assert _signed_in_user_id(client) is None


def _both_steps(client: Client, url: str) -> str:
    enrolled = enrolled_user()
    client.post(url, {"identifier": enrolled.user.email, "password": DEFAULT_PASSWORD})
    return client.post(reverse("login-verify"), {"code": totp_code(enrolled.device)}).url


@pytest.mark.django_db
def test_signing_in_returns_to_the_page_that_asked_for_it(client):
    assert _both_steps(client, f"{reverse('login')}?next=/docs") == "/docs"


@pytest.mark.django_db
def test_signing_in_never_redirects_to_another_site(client):
    assert _both_steps(client, f"{reverse('login')}?next=https://evil.example/") == reverse("home")


@pytest.mark.django_db
def test_signing_out_needs_a_post(client, user):
    session_login(client, user)

    assert client.get(reverse("logout")).status_code == 405
    assert _signed_in_user_id(client) == str(user.pk)

    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain == [(reverse("login"), 302)]
    assert "You have signed out." in response.text
    assert _signed_in_user_id(client) is None


@pytest.mark.django_db
def test_home_sends_visitors_who_are_not_signed_in_to_the_sign_in_page(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('home')}"


@pytest.mark.django_db
@pytest.mark.parametrize(("is_staff", "shown"), [(True, True), (False, False)])
def test_only_staff_see_the_admin_link(client, is_staff, shown):
    session_login(client, UserFactory(is_staff=is_staff))

    response = client.get(reverse("home"))

    assert (f'href="{reverse("admin:index")}"' in response.text) is shown


@pytest.mark.django_db
def test_every_link_on_the_home_page_leads_somewhere(client):
    session_login(client, UserFactory(is_staff=True))

    links = set(re.findall(r'(?:href|src)="(/[^"]*)"', client.get(reverse("home")).text))

    def status_code(link: str) -> int:
        # Static files are answered in front of Django (config/static.py), where a browser gets them.
        if link.startswith(settings.STATIC_URL):
            return asgi_get(asgi_application, link).status_code
        return client.get(link).status_code

    assert {reverse("admin:index"), reverse("swagger-ui"), reverse("redoc"), reverse("openapi-schema")} <= links
    assert {link: status_code(link) for link in links} == dict.fromkeys(links, 200)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "register", "logout", "login-verify", "security-recovery-codes"])
def test_forms_posted_without_a_csrf_token_are_refused(name, user):
    client = Client(enforce_csrf_checks=True)
    session_login(client, user)

    response = client.post(reverse(name), {"identifier": user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 403
    assert "This form could not be verified" in response.text


@pytest.mark.django_db
def test_an_unknown_page_shows_the_not_found_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_forbidden_page_shows_the_access_denied_page(client):
    response = client.get("/forbidden/")

    assert response.status_code == 403
    assert "Access denied" in response.text


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_failing_page_shows_the_error_page_with_the_request_id():
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Something went wrong" in response.text
    assert response["X-Request-ID"] in response.text
    assert "boom" not in response.text


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_failing_api_call_answers_in_the_api_error_shape():
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/broken")

    assert response.status_code == 500
    assert response.json() == {
        "detail": f"An unexpected error occurred. Quote request id {response['X-Request-ID']} when reporting it.",
        "status_code": 500,
        "error_code": "INTERNAL_ERROR",
    }


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_failing_openai_compatible_call_answers_in_openais_error_shape():
    client = Client(raise_request_exception=False)

    response = client.get("/v1/broken")

    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "message": f"An unexpected error occurred. Quote request id {response['X-Request-ID']} when reporting it.",
            "type": "server_error",
            "param": None,
            "code": "INTERNAL_ERROR",
        }
    }


@pytest.mark.django_db
def test_home_shows_the_persons_role_in_the_current_organization(client):
    membership = MembershipFactory(organization=OrganizationFactory(name="Acme"), role=Role.ADMIN)
    session_login(client, membership.user)

    response = client.get(reverse("home"))

    assert "Role in Acme <strong>Admin</strong>" in response.text


@pytest.mark.django_db
def test_home_shows_no_role_to_someone_in_no_organization(client):
    session_login(client, UserFactory())

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Role in" not in response.text
