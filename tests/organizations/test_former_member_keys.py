"""Keys of someone who leaves: the organization's credentials, so they keep working, say whose they
were, and an admin revokes all of them in one step (on removal, or later), audited like any revocation."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from organizations.models import ApiKey, Membership
from organizations.roles import Role
from tests.conftest import client_for
from tests.organizations.factories import api_key_with_secret

pytestmark = pytest.mark.django_db

KEYS = reverse("api-key-list")
PROJECTS = reverse("project-list")


def _member_url(membership: Membership) -> str:
    return reverse("membership-detail", args=[membership.organization_id, membership.pk])


def _works(raw_key: str) -> bool:
    return APIClient().get(PROJECTS, HTTP_X_API_KEY=raw_key).status_code == 200


def _keys_of(membership: Membership, count: int = 2) -> list[str]:
    return [
        api_key_with_secret(organization=membership.organization, created_by=membership.user)[1] for _ in range(count)
    ]


def test_the_keys_of_a_removed_member_keep_working_and_say_whose_they_were(owner_client, owner, member_of):
    admin = member_of(Role.ADMIN)
    (raw_key,) = _keys_of(admin, 1)
    api_key_with_secret(organization=owner.organization, created_by=owner.user)

    removed = owner_client.delete(_member_url(admin))

    assert removed.status_code == 204
    assert _works(raw_key)
    creators = {item["created_by"]["email"]: item["created_by"] for item in owner_client.get(KEYS).json()["items"]}
    assert creators == {
        admin.user.email: {
            "id": str(admin.user.pk),
            "email": admin.user.email,
            "full_name": admin.user.full_name,
            "is_member": False,
        },
        owner.user.email: {
            "id": str(owner.user.pk),
            "email": owner.user.email,
            "full_name": owner.user.full_name,
            "is_member": True,
        },
    }


def test_a_new_key_names_its_creator(owner_client, owner, organization):
    payload = {"organization_id": str(organization.pk), "name": "CI", "scopes": ["read"]}

    created = owner_client.post(KEYS, payload)

    assert created.status_code == 201
    assert created.json()["created_by"]["email"] == owner.user.email
    assert created.json()["created_by"]["is_member"] is True


def test_removing_a_member_can_revoke_their_keys_in_the_same_step(owner_client, owner, member_of):
    admin = member_of(Role.ADMIN)
    theirs = _keys_of(admin)
    (mine,) = _keys_of(owner, 1)

    removed = owner_client.delete(_member_url(admin) + "?revoke_api_keys=true")

    assert removed.status_code == 204
    assert not Membership.objects.filter(pk=admin.pk).exists()
    assert [_works(raw_key) for raw_key in theirs] == [False, False]
    assert _works(mine)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.API_KEY_REVOKED, user=owner.user)
    assert sorted(event.data["created_by"] for event in events) == [str(admin.user.pk)] * 2


def test_a_member_who_may_not_manage_keys_cannot_revoke_them_on_the_way_out(organization, member_of):
    member = member_of(Role.MEMBER)
    (raw_key,) = _keys_of(member, 1)

    leaving = client_for(member.user).delete(_member_url(member) + "?revoke_api_keys=true")

    assert leaving.status_code == 403
    assert Membership.objects.filter(pk=member.pk).exists()  # all or nothing: still a member
    assert _works(raw_key)


def test_a_malformed_revoke_api_keys_is_a_422_and_removes_no_one(owner_client, member_of):
    admin = member_of(Role.ADMIN)

    response = owner_client.delete(_member_url(admin) + "?revoke_api_keys=maybe")

    assert response.status_code == 422
    assert "revoke_api_keys" in response.json()["errors"]
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_an_admin_revokes_every_key_a_former_member_left_in_one_step(owner_client, owner, member_of):
    admin = member_of(Role.ADMIN)
    theirs = _keys_of(admin, 3)
    (mine,) = _keys_of(owner, 1)
    owner_client.delete(_member_url(admin))
    one_of_theirs = ApiKey.objects.filter(created_by=admin.user).first()

    response = owner_client.delete(reverse("api-key-detail", args=[one_of_theirs.pk]) + "?all_by_creator=true")

    assert response.status_code == 204
    assert [_works(raw_key) for raw_key in theirs] == [False, False, False]
    assert _works(mine)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_KEY_REVOKED).count() == 3
