import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import User
from config.api.pagination import SkipLimitPagination
from core.exceptions import ValidationFailed
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory


def _page(query: str) -> dict:
    paginator = SkipLimitPagination()
    request = Request(APIRequestFactory().get(f"/api/v1/things{query}"))
    items = paginator.paginate_queryset(User.objects.order_by("username"), request)
    return paginator.get_paginated_response([user.username for user in items]).data


@pytest.mark.django_db
def test_lists_have_items_total_skip_and_limit():
    UserFactory.create_batch(25)

    page = _page("?skip=20&limit=10")

    assert list(page) == ["items", "total", "skip", "limit"]
    assert (page["total"], page["skip"], page["limit"]) == (25, 20, 10)
    assert len(page["items"]) == 5


@pytest.mark.django_db
def test_the_limit_defaults_to_20_and_may_be_100():
    UserFactory.create_batch(3)

    assert _page("")["limit"] == 20
    assert _page("?limit=100")["limit"] == 100


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?limit=abc", "limit"),
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?skip=-4", "skip"),
        ("?skip=x", "skip"),
    ],
)
def test_paging_values_out_of_range_are_refused_naming_the_parameter(query, parameter):
    with pytest.raises(ValidationFailed) as refused:
        _page(query)

    assert list(refused.value.errors) == [parameter]


@pytest.mark.django_db
def test_a_list_endpoint_answers_422_naming_the_bad_parameter(auth_client):
    response = auth_client.get("/api/v1/organizations?limit=5000")

    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"
    assert list(response.json()["errors"]) == ["limit"]


@pytest.mark.django_db
def test_a_page_past_the_end_is_empty_and_still_tells_the_total():
    UserFactory.create_batch(3)

    page = _page("?skip=10")

    assert (page["items"], page["total"], page["skip"]) == ([], 3, 10)


@pytest.mark.django_db
def test_a_skip_beyond_what_a_database_can_offset_is_an_empty_page():
    UserFactory.create_batch(2)

    page = _page("?skip=12589251814440038400")

    assert (page["items"], page["total"]) == ([], 2)


@pytest.mark.django_db
def test_a_distinct_list_counts_each_row_once():
    user = UserFactory(username="twice")
    MembershipFactory.create_batch(2, user=user)  # two joined rows before DISTINCT
    paginator = SkipLimitPagination()
    request = Request(APIRequestFactory().get("/api/v1/things"))

    items = paginator.paginate_queryset(User.objects.filter(memberships__isnull=False).distinct(), request)

    assert ([item.username for item in items], paginator.count) == (["twice"], 1)
