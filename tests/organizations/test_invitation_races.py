"""An invitation accepted several times at once makes exactly one membership."""

import secrets

import pytest
from django.urls import reverse

from core.encryption import secret_digest
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.organizations.factories import InvitationFactory
from tests.races import race, statuses

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_invitation_accepted_at_once_makes_one_membership():
    user = UserFactory()
    token = secrets.token_urlsafe(32)
    invitation = InvitationFactory(email=user.email, digest=secret_digest(token))
    clients = [client_for(user) for _ in range(4)]

    responses = race(
        [lambda c=c: c.post(reverse("invitation-accept"), {"token": token}, format="json") for c in clients]
    )

    codes = statuses(responses)
    assert codes.count(200) + codes.count(201) == 1, codes
    assert all(400 <= code < 500 for code in codes if code not in (200, 201)), codes
    assert Membership.objects.filter(organization=invitation.organization, user=user).count() == 1
