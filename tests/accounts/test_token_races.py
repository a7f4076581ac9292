"""Concurrent refreshes of one token, on real threads: one client refreshing from two tabs."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services.tokens import token_pair_issue
from tests.accounts.factories import UserFactory
from tests.races import race, statuses

REFRESH = reverse("auth-refresh")
ME = reverse("auth-me")


def _refresh(refresh_token: str):
    return lambda: APIClient().post(REFRESH, {"refresh_token": refresh_token}, format="json")


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_with_one_token_all_get_the_same_working_pair():
    pair = token_pair_issue(user=UserFactory())

    responses = race([_refresh(pair.refresh_token) for _ in range(6)])

    assert statuses(responses) == [200] * 6
    answers = {(r.json()["access_token"], r.json()["refresh_token"]) for r in responses}
    assert len(answers) == 1
    access, refresh = answers.pop()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert client.get(ME).status_code == 200
    assert _refresh(refresh)().status_code == 200
