"""The dashboard's forgotten-password and change-password pages, driven like a browser would."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import PasswordResetToken
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import session_login

NEW_PASSWORD = "Copper-Harbour-83?"
RESET_LINK = re.compile(r"http://testserver(/password-reset/[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}/)")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Reset requests are rate limited in the cache, which outlives a test's database.
    cache.clear()


def _reset_link(client, capture, email: str) -> str:
    with capture(execute=True):
        response = client.post(reverse("password-reset"), {"email": email})
    assert response.status_code == 302
    return RESET_LINK.search(mail.outbox[-1].body)[1]


def _signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_the_sign_in_page_offers_a_password_reset(client):
    response = client.get(reverse("login"))

    assert f'href="{reverse("password-reset")}"' in response.text
    assert "Forgot your password?" in response.text
    assert client.get(reverse("password-reset")).status_code == 200


@pytest.mark.django_db
def test_asking_for_a_reset_shows_the_same_page_for_any_address(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("password-reset"), {"email": user.email}, follow=True)
        unknown = client.post(reverse("password-reset"), {"email": "nobody@example.com"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password-reset-sent"), 302)]
    assert known.text == unknown.text
    assert "If an account exists for this address, we have sent a reset link." in known.text
    assert [email.to for email in mail.outbox] == [[user.email]]


@pytest.mark.django_db
def test_a_malformed_address_is_shown_on_the_request_form(client):
    response = client.post(reverse("password-reset"), {"email": "not-an-email"})

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert not mail.outbox


@pytest.mark.django_db
def test_the_emailed_link_opens_a_form_that_sets_the_new_password(client, user, django_capture_on_commit_callbacks):
    link = _reset_link(client, django_capture_on_commit_callbacks, user.email)

    page = client.get(link)
    assert page.status_code == 200
    assert 'name="new_password"' in page.text
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    mismatch = client.post(link, {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400
    assert mismatch.context["form"].errors["new_password_confirm"] == ["The two passwords differ."]
    weak = client.post(link, {"new_password": "password", "new_password_confirm": "password"})
    assert weak.status_code == 400
    assert "This password is too common." in weak.context["form"].errors["new_password"]

    done = client.post(link, {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}, follow=True)

    assert done.redirect_chain == [(reverse("login"), 302)]
    assert "Your password has been reset. Sign in with your new password." in done.text
    # The password step accepts the new password (what follows is the second factor) and refuses the old one.
    assert client.post(reverse("login"), {"identifier": user.email, "password": DEFAULT_PASSWORD}).status_code == 400
    assert client.post(reverse("login"), {"identifier": user.email, "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_a_used_or_made_up_reset_link_shows_a_clear_page(client, user, django_capture_on_commit_callbacks):
    link = _reset_link(client, django_capture_on_commit_callbacks, user.email)
    client.post(link, {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})

    for address in (link, "/password-reset/not-a-token/"):
        response = client.get(address)

        assert response.status_code == 400
        assert "Reset link not valid" in response.text
        assert "This reset link is invalid or has expired." in response.text
        assert f'href="{reverse("password-reset")}"' in response.text
        assert 'name="new_password"' not in response.text


@pytest.mark.django_db
def test_opening_a_link_with_a_wrong_secret_costs_the_token_a_try(client, user, django_capture_on_commit_callbacks):
    link = _reset_link(client, django_capture_on_commit_callbacks, user.email)
    forged = re.sub(r"\.[A-Za-z0-9_-]{43}/$", "." + "A" * 43 + "/", link)

    assert client.get(forged).status_code == 400

    assert PasswordResetToken.objects.get(user=user).failed_attempts == 1


@pytest.mark.django_db
def test_the_change_password_page_needs_a_signed_in_user(client):
    response = client.get(reverse("password-change"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('password-change')}"


@pytest.mark.django_db
def test_changing_the_password_keeps_this_session_and_signs_api_clients_out(
    client, user, tokens, django_capture_on_commit_callbacks
):
    session_login(client, user)
    form = {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password-change"), form, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Your password has been changed." in response.text
    assert _signed_in_user_id(client) == str(user.pk)
    assert client.get(reverse("home")).status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    refresh = APIClient().post(reverse("auth-refresh"), {"refresh_token": tokens.refresh_token}, format="json")
    assert refresh.status_code == 401
    assert [email.subject for email in mail.outbox] == ["Your Bastion password was changed"]


@pytest.mark.django_db
def test_changing_the_password_signs_other_browsers_out(client, user):
    other_browser = Client()
    session_login(other_browser, user)
    session_login(client, user)

    client.post(
        reverse("password-change"),
        {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
    )

    assert other_browser.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_wrong_current_password_is_shown_on_its_field(client, user):
    session_login(client, user)
    form = {"old_password": "Not-The-Password-1", "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}

    response = client.post(reverse("password-change"), form)

    assert response.status_code == 400
    assert response.context["form"].errors["old_password"] == ["The current password is wrong."]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["password-reset", "password-change"])
def test_password_forms_posted_without_a_csrf_token_are_refused(name):
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    session_login(client, user)

    response = client.post(reverse(name), {"email": user.email, "old_password": DEFAULT_PASSWORD})

    assert response.status_code == 403
    assert not mail.outbox


@pytest.mark.django_db
def test_too_many_reset_requests_are_refused_on_the_form(client):
    for _ in range(5):
        assert client.post(reverse("password-reset"), {"email": "nobody@example.com"}).status_code == 302

    response = client.post(reverse("password-reset"), {"email": "nobody@example.com"})

    assert response.status_code == 429
    assert response.context["form"].errors == {"__all__": ["Too many reset requests: wait an hour and try again."]}
