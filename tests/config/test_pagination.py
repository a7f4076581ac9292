import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import User
from config.api.pagination import SkipLimitPagination
from tests.accounts.factories import UserFactory


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
def test_the_limit_defaults_to_20_and_is_capped_at_100():
    UserFactory.create_batch(3)

    assert _page("")["limit"] == 20
    assert _page("?limit=5000")["limit"] == 100


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["?limit=abc&skip=-4", "?limit=-1&skip=x"])
def test_nonsense_paging_values_fall_back_to_defaults(query):
    UserFactory.create_batch(2)

    page = _page(query)

    assert (page["skip"], page["limit"], page["total"]) == (0, 20, 2)
