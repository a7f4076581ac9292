import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.accounts.mfa import enrolled_user
from tests.conftest import client_for

ME = reverse("auth-me")


@pytest.mark.django_db
def test_me_returns_the_signed_in_users_profile(auth_client, user):
    response = auth_client.get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": str(user.pk),
        "email": user.email,
        "username": user.username,
        "full_name": user.full_name,
        "role": "user",
        "is_verified": False,
        "mfa_enrolled": True,
        "created_at": user.created_at.isoformat().replace("+00:00", "Z"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("is_staff", "role"), [(True, "admin"), (False, "user")])
def test_the_profiles_platform_role_says_whether_the_person_is_staff(is_staff, role):
    user = enrolled_user(is_staff=is_staff).user

    response = client_for(user).get(ME)

    assert response.json()["role"] == role


@pytest.mark.django_db
def test_me_without_a_token_is_401_with_a_challenge(api_client):
    response = api_client.get(ME)

    assert response.status_code == 401
    assert response.json()["error_code"] == "NOT_AUTHENTICATED"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_patch_me_changes_name_and_username(auth_client, user):
    response = auth_client.patch(ME, {"full_name": "Grace Hopper", "username": "grace"}, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.full_name, user.username) == ("Grace Hopper", "grace")
    assert response.json()["username"] == "grace"


@pytest.mark.django_db
def test_patch_me_cannot_take_another_users_username(auth_client, user):
    UserFactory(username="taken")

    response = auth_client.patch(ME, {"username": "TAKEN"}, format="json")

    assert response.status_code == 422
    assert "username" in response.json()["errors"]
    user.refresh_from_db()
    assert user.username != "TAKEN"


@pytest.mark.django_db
def test_patch_me_ignores_fields_that_are_not_self_service(auth_client, user):
    response = auth_client.patch(ME, {"role": "admin", "is_verified": True, "email": "x@evil.test"}, format="json")

    assert response.status_code == 200
    assert response.json()["role"] == "user"
    user.refresh_from_db()
    assert user.is_staff is False
    assert user.is_verified is False
    assert user.email != "x@evil.test"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [({"full_name": 5}, "full_name"), ({"username": "has spaces"}, "username"), ({"username": ""}, "username")],
)
def test_patch_me_reports_bad_fields(auth_client, payload, field):
    response = auth_client.patch(ME, payload, format="json")

    assert response.status_code == 422
    assert field in response.json()["errors"]


@pytest.mark.django_db
def test_me_refuses_methods_it_does_not_have(auth_client):
    response = auth_client.delete(ME)

    assert response.status_code == 405
    assert response.json()["error_code"] == "METHOD_NOT_ALLOWED"
