import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from organizations.models import Invitation, Membership
from organizations.roles import Role
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.organizations.factories import InvitationFactory


def _member_url(membership) -> str:
    return reverse("membership-detail", args=[membership.organization_id, membership.pk])


def _invitations_url(organization) -> str:
    return reverse("invitation-list", args=[organization.pk])


@pytest.mark.django_db
def test_members_are_listed_with_their_roles(owner_client, organization, owner, member_of):
    viewer = member_of(Role.VIEWER)

    response = owner_client.get(reverse("membership-list", args=[organization.pk]))

    assert response.status_code == 200
    roles = {item["user"]["email"]: item["role"] for item in response.json()["items"]}
    assert roles == {owner.user.email: "owner", viewer.user.email: "viewer"}


@pytest.mark.django_db
def test_an_admin_changes_a_members_role(organization, member_of):
    admin = client_for(member_of(Role.ADMIN).user)
    member = member_of(Role.MEMBER)

    response = admin.patch(_member_url(member), {"role": "viewer"}, format="json")

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.role == Role.VIEWER


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [{}, {"role": "emperor"}, {"role": 3}])
def test_a_role_change_reports_bad_input(owner_client, member_of, payload):
    member = member_of(Role.MEMBER)

    response = owner_client.patch(_member_url(member), payload, format="json")

    assert response.status_code == 422


@pytest.mark.django_db
def test_only_an_owner_can_make_or_touch_an_owner(organization, owner, member_of):
    admin = client_for(member_of(Role.ADMIN).user)
    member = member_of(Role.MEMBER)

    promote = admin.patch(_member_url(member), {"role": "owner"}, format="json")
    demote_owner = admin.patch(_member_url(owner), {"role": "viewer"}, format="json")
    remove_owner = admin.delete(_member_url(owner))

    assert (promote.status_code, demote_owner.status_code, remove_owner.status_code) == (403, 403, 403)
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


@pytest.mark.django_db
def test_the_last_owner_can_neither_be_demoted_nor_removed_nor_leave(owner_client, owner):
    demote = owner_client.patch(_member_url(owner), {"role": "admin"}, format="json")
    leave = owner_client.delete(_member_url(owner))

    assert demote.status_code == leave.status_code == 422
    assert demote.json()["error_code"] == "LAST_OWNER"
    assert Membership.objects.filter(pk=owner.pk, role=Role.OWNER).exists()


@pytest.mark.django_db
def test_with_two_owners_one_may_step_down(owner_client, owner, member_of):
    member_of(Role.OWNER)

    response = owner_client.patch(_member_url(owner), {"role": "admin"}, format="json")

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_viewer_may_leave_but_not_remove_others(member_of):
    viewer = member_of(Role.VIEWER)
    other = member_of(Role.MEMBER)
    client = client_for(viewer.user)

    removing = client.delete(_member_url(other))
    leaving = client.delete(_member_url(viewer))

    assert removing.status_code == 403
    assert leaving.status_code == 204
    assert Membership.objects.filter(pk=other.pk).exists()
    assert not Membership.objects.filter(pk=viewer.pk).exists()


@pytest.mark.django_db
def test_an_invitation_is_emailed_and_accepted_by_its_addressee(owner_client, organization):
    invitee = UserFactory(email="grace@example.com")

    sent = owner_client.post(_invitations_url(organization), {"email": "Grace@Example.com", "role": "admin"})
    token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
    accepted = client_for(invitee).post(reverse("invitation-accept"), {"token": token}, format="json")

    assert sent.status_code == 201
    assert sent.json()["status"] == "pending"
    assert mail.outbox[-1].to == ["grace@example.com"]
    assert accepted.status_code == 201
    assert Membership.objects.get(organization=organization, user=invitee).role == Role.ADMIN
    assert token not in str(Invitation.objects.values())


@pytest.mark.django_db
def test_an_invitation_works_once_and_only_for_its_address(owner_client, organization):
    invitee = UserFactory(email="grace@example.com")
    owner_client.post(_invitations_url(organization), {"email": "grace@example.com"}, format="json")
    token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]

    wrong_person = client_for(UserFactory()).post(reverse("invitation-accept"), {"token": token}, format="json")
    first = client_for(invitee).post(reverse("invitation-accept"), {"token": token}, format="json")
    Membership.objects.filter(user=invitee).delete()
    reused = client_for(invitee).post(reverse("invitation-accept"), {"token": token}, format="json")

    assert wrong_person.status_code == 400
    assert wrong_person.json()["error_code"] == "INVALID_INVITATION"
    assert first.status_code == 201
    assert reused.status_code == 400


@pytest.mark.django_db
def test_expired_and_revoked_invitations_are_refused(owner_client, organization):
    invitee = UserFactory(email="late@example.com")
    owner_client.post(_invitations_url(organization), {"email": "late@example.com"}, format="json")
    token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
    Invitation.objects.update(expires_at=timezone.now())
    expired = client_for(invitee).post(reverse("invitation-accept"), {"token": token}, format="json")

    owner_client.post(_invitations_url(organization), {"email": "late@example.com"}, format="json")
    fresh = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
    invitation = Invitation.objects.get(revoked_at__isnull=True, expires_at__gt=timezone.now())
    revoke = owner_client.delete(reverse("invitation-detail", args=[organization.pk, invitation.pk]))
    revoked = client_for(invitee).post(reverse("invitation-accept"), {"token": fresh}, format="json")

    assert expired.status_code == 400
    assert revoke.status_code == 204
    assert revoked.status_code == 400
    assert not Membership.objects.filter(user=invitee).exists()


@pytest.mark.django_db
def test_members_cannot_invite_and_admins_cannot_invite_owners(organization, member_of):
    member = client_for(member_of(Role.MEMBER).user)
    admin = client_for(member_of(Role.ADMIN).user)

    by_member = member.post(_invitations_url(organization), {"email": "x@example.com"}, format="json")
    owner_by_admin = admin.post(_invitations_url(organization), {"email": "y@example.com", "role": "owner"})

    assert by_member.status_code == 403
    assert owner_by_admin.status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_inviting_an_existing_member_is_refused(owner_client, organization, member_of):
    member = member_of(Role.MEMBER)

    response = owner_client.post(_invitations_url(organization), {"email": member.user.email}, format="json")

    assert response.status_code == 422
    assert response.json()["error_code"] == "ALREADY_MEMBER"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [{}, {"email": "nope"}, {"email": 5}, {"email": "a@b.co", "role": "god"}])
def test_invitations_report_bad_input(owner_client, organization, payload):
    response = owner_client.post(_invitations_url(organization), payload, format="json")

    assert response.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [{}, {"token": 9}, {"token": "x" * 200}])
def test_accepting_reports_bad_input(auth_client, payload):
    assert auth_client.post(reverse("invitation-accept"), payload, format="json").status_code == 422


@pytest.mark.django_db
def test_an_unknown_invitation_token_is_refused(auth_client):
    InvitationFactory()

    response = auth_client.post(reverse("invitation-accept"), {"token": "made-up"}, format="json")

    assert response.status_code == 400
