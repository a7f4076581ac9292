import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.races import race
from tests.races import statuses as race_statuses

URL = reverse("auth-register")


def _payload(**overrides):
    payload = {"email": "Ada@Example.com", "username": "ada", "full_name": "Ada Lovelace", "password": DEFAULT_PASSWORD}
    payload.update(overrides)
    return payload


@pytest.mark.django_db
def test_register_creates_an_account_and_returns_the_profile(api_client):
    response = api_client.post(URL, _payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "email",
        "username",
        "full_name",
        "role",
        "is_verified",
        "mfa_enrolled",
        "created_at",
        "enrollment_token",
    }
    assert body["email"] == "ada@example.com"
    assert body["role"] == "user"
    assert body["is_verified"] is False
    assert body["mfa_enrolled"] is False
    user = User.objects.get(pk=body["id"])
    assert user.check_password(DEFAULT_PASSWORD)
    assert user.password != DEFAULT_PASSWORD
    assert AuditEvent.objects.filter(user=user, action=AuditEvent.Action.REGISTERED).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Sh0rt!pass", "too short"),
        ("aaaaaaaaaaaaaaaa", "one character class"),
        ("password12345", "common"),
        ("123456789012345", "entirely numeric"),
        ("Ada-Lovelace-1", "similar to the full name"),
    ],
)
def test_register_refuses_a_weak_password_with_the_reasons(api_client, password, reason):
    response = api_client.post(URL, _payload(password=password), format="json")

    assert response.status_code == 422, reason
    body = response.json()
    assert body["error_code"] == "WEAK_PASSWORD"
    assert body["status_code"] == 422
    assert body["errors"]["password"]
    assert not User.objects.filter(username="ada").exists()


@pytest.mark.django_db
def test_register_refuses_an_email_already_taken_in_any_case(api_client):
    UserFactory(email="ada@example.com")

    response = api_client.post(URL, _payload(email="ADA@example.com"), format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "DUPLICATE_EMAIL"
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1


@pytest.mark.django_db
def test_register_refuses_a_username_already_taken(api_client):
    UserFactory(username="Ada")

    response = api_client.post(URL, _payload(), format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "ALREADY_EXISTS"
    assert "username" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "ada", "password": DEFAULT_PASSWORD}, "email"),
        ({"email": "ada@example.com", "password": DEFAULT_PASSWORD}, "username"),
        ({"email": "ada@example.com", "username": "ada"}, "password"),
        (_payload(email="not-an-email"), "email"),
        (_payload(email=12345), "email"),
        (_payload(username=["ada"]), "username"),
        (_payload(password=123456789012345), "password"),
        (_payload(full_name={"a": 1}), "full_name"),
        (_payload(username="bad name with spaces"), "username"),
        (_payload(username="x" * 151), "username"),
    ],
)
def test_register_reports_each_bad_field(api_client, payload, field):
    response = api_client.post(URL, payload, format="json")

    assert response.status_code == 422
    body = response.json()
    assert body["error_code"] == "VALIDATION_ERROR"
    assert field in body["errors"]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_register_with_a_json_array_body_is_a_validation_error(api_client):
    response = api_client.post(URL, [_payload()], format="json")

    assert response.status_code == 422
    assert "non_field_errors" in response.json()["errors"]


@pytest.mark.django_db
def test_register_ignores_a_client_supplied_role(api_client):
    response = api_client.post(URL, _payload(role="admin", is_staff=True), format="json")

    assert response.status_code == 201
    assert response.json()["role"] == "user"
    user = User.objects.get(username="ada")
    assert user.is_staff is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("taken", "spelling"),
    [("strasse", "STRASSE"), ("strasse", "straße"), ("samuel", "ſamuel"), ("samuel", "ｓａｍｕｅｌ")],
)
def test_register_refuses_a_username_that_names_an_existing_account_in_another_spelling(api_client, taken, spelling):
    UserFactory(username=taken)

    response = api_client.post(URL, _payload(username=spelling), format="json")

    assert response.status_code == 422
    assert response.json()["errors"] == {"username": ["This username is taken."]}


@pytest.mark.django_db(transaction=True)
def test_registering_one_account_twice_at_once_gives_one_account_and_no_500():
    def register(email, username):
        return lambda: APIClient().post(URL, _payload(email=email, username=username), format="json")

    spellings = [
        ("ada@example.com", "ada"),
        ("ADA@example.com", "ADA"),
        ("Ada@EXAMPLE.com", "Ada"),
        ("aDa@example.com", "aDa"),
    ]
    results = race([register(email, username) for email, username in spellings])

    assert race_statuses(results) == [201, 422, 422, 422]
    assert {result.json()["error_code"] for result in results if result.status_code == 422} == {"DUPLICATE_EMAIL"}
    assert User.objects.filter(email_key="ada@example.com").count() == 1
