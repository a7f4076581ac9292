"""An access token becomes its user in one query that also reads the token's revocation."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from accounts.authentication import access_token_user
from accounts.models import User
from core.exceptions import InvalidToken

pytestmark = pytest.mark.django_db


def test_the_user_a_token_names_is_the_stored_one_field_for_field(user, tokens):
    stored = User.objects.get(pk=user.pk)

    authenticated, token = access_token_user(tokens.access_token)

    assert (type(authenticated), authenticated.pk) == (User, user.pk)
    assert token["jti"]
    for field in User._meta.concrete_fields:
        assert getattr(authenticated, field.attname) == getattr(stored, field.attname), field.name
    assert model_to_dict(authenticated) == model_to_dict(stored)
    assert not authenticated._state.adding  # saved as a row loaded from the database would be
    authenticated.full_name = "Renamed"
    authenticated.save(update_fields=["full_name"])
    assert User.objects.get(pk=user.pk).full_name == "Renamed"


def test_an_authenticated_request_reads_the_user_and_the_revocation_in_one_query(
    auth_client, django_assert_num_queries
):
    # The organizations list: the user with the token's revocation, then the page.
    with django_assert_num_queries(2) as captured:
        response = auth_client.get(reverse("organization-list"))

    assert response.status_code == 200
    first = captured.captured_queries[0]["sql"]
    assert '"accounts_user"' in first
    assert '"token_blacklist_blacklistedtoken"' in first


def test_a_token_whose_user_is_gone_is_refused(user, tokens):
    User.objects.filter(pk=user.pk).delete()

    with pytest.raises(InvalidToken):
        access_token_user(tokens.access_token)
