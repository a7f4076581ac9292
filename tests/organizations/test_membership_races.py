"""The last-owner rule under concurrency: owners acting at the same moment still leave one owner."""

from collections.abc import Callable

import pytest
from django.urls import reverse
from rest_framework.response import Response

from organizations.models import Membership
from organizations.roles import Role
from tests.conftest import client_for
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.races import race, statuses

pytestmark = pytest.mark.django_db(transaction=True)


def _two_owners() -> tuple[Membership, Membership]:
    organization = OrganizationFactory()
    return (
        MembershipFactory(organization=organization, role=Role.OWNER),
        MembershipFactory(organization=organization, role=Role.OWNER),
    )


def _call(actor: Membership, method: str, target: Membership, body: dict | None = None) -> Callable[[], Response]:
    # Each racer signs in before the barrier with a client of its own, as two browsers would.
    client = client_for(actor.user)
    url = reverse("membership-detail", args=[target.organization_id, target.pk])
    return lambda: getattr(client, method)(url, body, format="json")


def _owners_left(membership: Membership) -> int:
    return Membership.objects.filter(organization=membership.organization, role=Role.OWNER).count()


def test_two_owners_demoting_each_other_at_once_leave_one_owner():
    first, second = _two_owners()

    responses = race(
        [_call(first, "patch", second, {"role": "admin"}), _call(second, "patch", first, {"role": "admin"})]
    )

    # The loser is answered after the winner's change: no longer an owner, it may not change one.
    assert statuses(responses) == [200, 403]
    refused = next(response for response in responses if response.status_code == 403)
    assert refused.json()["error_code"] == "INSUFFICIENT_PERMISSIONS"
    assert _owners_left(first) == 1


def test_two_owners_stepping_down_at_once_leave_one_owner():
    owners = _two_owners()

    responses = race([_call(owner, "patch", owner, {"role": "viewer"}) for owner in owners])

    assert statuses(responses) == [200, 422]
    refused = next(response for response in responses if response.status_code == 422)
    assert refused.json()["error_code"] == "LAST_OWNER"
    assert _owners_left(owners[0]) == 1


def test_two_owners_leaving_at_once_leave_one_owner():
    owners = _two_owners()

    responses = race([_call(owner, "delete", owner) for owner in owners])

    assert statuses(responses) == [204, 422]
    refused = next(response for response in responses if response.status_code == 422)
    assert refused.json()["error_code"] == "LAST_OWNER"
    assert _owners_left(owners[0]) == 1
    assert Membership.objects.filter(organization=owners[0].organization).count() == 1


def test_two_owners_removing_each_other_at_once_leave_one_owner():
    first, second = _two_owners()

    responses = race([_call(first, "delete", second), _call(second, "delete", first)])

    winner, loser = statuses(responses)
    assert winner == 204
    # The loser is no longer a member: refused at the door (404) or, if it got past it first, under the lock (403).
    assert loser in {403, 404}
    assert _owners_left(first) == 1
