import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mfa import session_login

CHANGELIST = reverse("admin:accounts_user_changelist")


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin(client, superuser) -> Client:
    """A browser session signed in as `superuser`, past both factors."""
    session_login(client, superuser)
    return client


def _listed(response) -> set[str]:
    return {user.email for user in response.context["cl"].result_list}


def test_a_superuser_sees_every_user_in_the_list(admin, superuser):
    others = UserFactory.create_batch(2)

    response = admin.get(CHANGELIST)

    assert response.status_code == 200
    assert _listed(response) == {superuser.email, *(user.email for user in others)}


def test_users_can_be_found_by_email(admin):
    UserFactory(email="ada@example.com")
    UserFactory(email="grace@example.com")

    response = admin.get(CHANGELIST, {"q": "ada@"})

    assert _listed(response) == {"ada@example.com"}


def test_users_can_be_filtered_by_whether_they_are_active(admin):
    UserFactory(email="gone@example.com", is_active=False)
    UserFactory(email="here@example.com")

    response = admin.get(CHANGELIST, {"is_active__exact": "0"})

    assert _listed(response) == {"gone@example.com"}


def test_the_activate_action_activates_the_selected_users(admin):
    chosen = UserFactory.create_batch(2, is_active=False)
    untouched = UserFactory(is_active=False)

    response = admin.post(
        CHANGELIST, {"action": "activate_users", "_selected_action": [user.pk for user in chosen]}, follow=True
    )

    assert "Activated 2 user(s)." in response.text
    assert all(User.objects.get(pk=user.pk).is_active for user in chosen)
    assert not User.objects.get(pk=untouched.pk).is_active


def test_the_deactivate_action_never_deactivates_the_acting_admin(admin, superuser):
    other = UserFactory()

    response = admin.post(
        CHANGELIST, {"action": "deactivate_users", "_selected_action": [superuser.pk, other.pk]}, follow=True
    )

    assert "Deactivated 1 user(s); your own account is never included." in response.text
    assert not User.objects.get(pk=other.pk).is_active
    assert User.objects.get(pk=superuser.pk).is_active


def test_a_user_can_be_added_through_the_add_form(admin):
    response = admin.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new@example.com",
            "username": "newcomer",
            "usable_password": "true",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
    )

    created = User.objects.get(email="new@example.com")
    assert response.status_code == 302
    assert response.url == reverse("admin:accounts_user_change", args=[created.pk])
    assert created.username == "newcomer"
    assert created.check_password(DEFAULT_PASSWORD)


def test_a_users_change_page_opens(admin):
    user = UserFactory(full_name="Ada Lovelace")

    response = admin.get(reverse("admin:accounts_user_change", args=[user.pk]))

    assert response.status_code == 200
    assert response.context["original"] == user
    assert "Ada Lovelace" in response.text


@pytest.mark.django_db
def test_a_user_who_is_not_staff_is_sent_to_the_admin_sign_in(client):
    session_login(client, UserFactory())

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={CHANGELIST}"


@pytest.mark.django_db
def test_the_admin_sign_in_is_the_dashboards_with_its_limits_and_second_factor(client):
    response = client.get(reverse("admin:login"), {"next": CHANGELIST})

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={CHANGELIST.replace('/', '%2F')}"
