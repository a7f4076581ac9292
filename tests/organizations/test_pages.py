"""Organization pages: the switcher, settings, members, invitations, API keys, the invitation link, admin."""

import hashlib
import re
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import TOTPDevice, User
from audit.models import AuditEvent
from organizations.context_processors import SESSION_KEY
from organizations.models import ApiKey, Invitation, Membership, Organization
from organizations.roles import Action, Role, role_allows
from projects.models import Project
from tests.accounts.factories import UserFactory
from tests.accounts.mfa import session_login, totp_code
from tests.organizations.factories import ApiKeyFactory, InvitationFactory, MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ORGANIZATIONS = reverse("organization-list-page")
SWITCH = reverse("organization-switch")
INVITATION_LINK = re.compile(r"http://testserver(/invitations/[^/\s]+/)")


def _page(name: str, organization: Organization, *ids: object) -> str:
    return reverse(name, args=[organization.pk, *ids])


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- The current organization and the switcher ------------------------------------------------------


def test_the_switcher_lists_my_organizations_and_no_one_elses(client, owner):
    mine = MembershipFactory(user=owner.user, organization=OrganizationFactory(name="Zeta Labs")).organization
    OrganizationFactory(name="Someone Else Ltd")

    response = session_login(client, owner.user).get(reverse("home"))

    assert [o.name for o in response.context["user_organizations"]] == ["Acme", "Zeta Labs"]
    assert response.context["current_organization"] == owner.organization  # the first, until one is chosen
    assert f'value="{mine.pk}"' in response.content.decode()
    assert "Someone Else Ltd" not in response.content.decode()


def test_switching_keeps_the_choice_in_the_session_and_returns_to_the_page(client, owner):
    other = MembershipFactory(user=owner.user, organization=OrganizationFactory(name="Zeta Labs")).organization
    session_login(client, owner.user)

    response = client.post(SWITCH, {"organization_id": other.pk, "next": reverse("project-list-page")})

    assert response.status_code == 302
    assert response["Location"] == reverse("project-list-page")
    assert client.session[SESSION_KEY] == str(other.pk)
    assert client.get(reverse("home")).context["current_organization"] == other


def test_switching_on_an_organization_page_opens_the_same_page_of_the_other(client, owner):
    other = MembershipFactory(user=owner.user, organization=OrganizationFactory()).organization
    session_login(client, owner.user)

    response = client.post(
        SWITCH, {"organization_id": other.pk, "next": _page("membership-list-page", owner.organization)}
    )

    assert response["Location"] == _page("membership-list-page", other)


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
def test_switching_never_leaves_the_site(client, owner, next_url):
    session_login(client, owner.user)

    response = client.post(SWITCH, {"organization_id": owner.organization.pk, "next": next_url})

    assert response["Location"] == reverse("project-list-page")


def test_switching_to_someone_elses_organization_is_404_and_changes_nothing(client, owner):
    theirs = OrganizationFactory()
    session_login(client, owner.user)

    response = client.post(SWITCH, {"organization_id": theirs.pk, "next": "/"})

    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_switching_needs_a_post_with_the_csrf_token(owner):
    client = session_login(Client(enforce_csrf_checks=True), owner.user)

    assert client.get(SWITCH).status_code == 405
    assert client.post(SWITCH, {"organization_id": owner.organization.pk}).status_code == 403


def test_an_organization_left_since_is_no_longer_current(client, owner):
    gone = OrganizationFactory()
    session_login(client, owner.user)
    session = client.session
    session[SESSION_KEY] = str(gone.pk)  # chosen once, then the person was removed from it
    session.save()

    assert client.get(reverse("home")).context["current_organization"] == owner.organization


# --- Organizations: list, create, settings, delete ---------------------------------------------------


def test_the_list_shows_my_organizations_with_my_role(client, organization, member_of):
    viewer = member_of(Role.VIEWER)
    MembershipFactory(user=viewer.user, organization=OrganizationFactory(name="Beta"), role=Role.OWNER)
    OrganizationFactory(name="Not Mine")

    response = session_login(client, viewer.user).get(ORGANIZATIONS)

    assert response.status_code == 200
    assert [(o.name, role.value) for o, role in response.context["rows"]] == [("Acme", "viewer"), ("Beta", "owner")]
    assert "Not Mine" not in response.content.decode()


def test_creating_an_organization_makes_me_its_owner_and_the_current_one(client, user):
    session_login(client, user)

    response = client.post(ORGANIZATIONS, {"name": "Initech", "slug": "initech", "country": "us"})

    organization = Organization.objects.get(slug="initech")
    assert response.status_code == 302
    assert response["Location"] == _page("membership-list-page", organization)
    assert Membership.objects.get(organization=organization).role == Role.OWNER
    assert organization.country == "US"
    assert client.session[SESSION_KEY] == str(organization.pk)


def test_a_taken_slug_is_shown_on_the_form(client, user, organization):
    response = session_login(client, user).post(ORGANIZATIONS, {"name": "Acme Two", "slug": organization.slug})

    assert response.status_code == 400
    assert response.context["form"].errors == {"slug": ["This slug is taken."]}
    assert Organization.objects.filter(slug=organization.slug).count() == 1


def test_an_invalid_slug_gets_the_models_own_message(client, user):
    response = session_login(client, user).post(ORGANIZATIONS, {"name": "Acme", "slug": "Not A Slug!"})

    assert response.status_code == 400
    assert "lower-case letters" in response.context["form"].errors["slug"][0]


@pytest.mark.parametrize("role", Role.values)
def test_every_member_sees_the_settings_and_only_admins_get_a_form(client, organization, member_of, role):
    response = session_login(client, member_of(role).user).get(_page("organization-settings-page", organization))

    assert response.status_code == 200
    page = response.content.decode()
    assert ("Save changes" in page) is role_allows(role, Action.ORGANIZATION_UPDATE)
    assert ("Delete this organization" in page) is (role == Role.OWNER)


def test_an_admin_saves_the_settings(client, organization, member_of):
    admin = member_of(Role.ADMIN)
    data = {
        "name": "Acme Corp",
        "slug": "acme-corp",
        "description": "Rockets",
        "industry": "Aerospace",
        "country": "DE",
    }

    response = session_login(client, admin.user).post(_page("organization-settings-page", organization), data)

    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.name, organization.slug, organization.industry) == ("Acme Corp", "acme-corp", "Aerospace")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ORGANIZATION_UPDATED, organization=organization).exists()


def test_refused_settings_show_the_error_and_keep_the_old_name_in_the_header(client, organization, owner):
    OrganizationFactory(slug="taken")

    response = session_login(client, owner.user).post(
        _page("organization-settings-page", organization), {"name": "New Name", "slug": "taken"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"slug": ["This slug is taken."]}
    assert response.context["organization"].name == "Acme"
    organization.refresh_from_db()
    assert organization.name == "Acme"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_a_member_or_viewer_cannot_change_the_settings(client, organization, member_of, role):
    response = session_login(client, member_of(role).user).post(
        _page("organization-settings-page", organization), {"name": "Hacked", "slug": "hacked"}
    )

    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
    organization.refresh_from_db()
    assert organization.name == "Acme"


def test_the_owner_deletes_the_organization_by_typing_its_slug(client, organization, owner):
    session_login(client, owner.user)
    client.post(SWITCH, {"organization_id": organization.pk, "next": "/"})

    response = client.post(_page("organization-delete-page", organization), {"confirm": "acme"})

    assert response.status_code == 302
    assert response["Location"] == ORGANIZATIONS
    assert not Organization.objects.filter(pk=organization.pk).exists()
    assert SESSION_KEY not in client.session


def test_a_wrong_confirmation_keeps_the_organization(client, organization, owner):
    response = session_login(client, owner.user).post(
        _page("organization-delete-page", organization), {"confirm": "Acme"}
    )

    assert response.status_code == 400
    assert response.context["delete_form"].errors == {"confirm": ["Type the organization's slug (acme) to confirm."]}
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_an_admin_cannot_delete_the_organization(client, organization, member_of):
    response = session_login(client, member_of(Role.ADMIN).user).post(
        _page("organization-delete-page", organization), {"confirm": "acme"}
    )

    assert response.status_code == 403
    assert Organization.objects.filter(pk=organization.pk).exists()


# --- Members ---------------------------------------------------------------------------------------------


def test_members_are_listed_with_their_roles(client, organization, owner, member_of):
    viewer = member_of(Role.VIEWER)

    response = session_login(client, viewer.user).get(_page("membership-list-page", organization))

    assert response.status_code == 200
    assert [(r["membership"].user.email, r["membership"].role) for r in response.context["rows"]] == [
        (owner.user.email, "owner"),
        (viewer.user.email, "viewer"),
    ]
    page = response.content.decode()
    assert "Invite people" not in page
    assert "Remove" not in page  # a viewer manages no one, and only leaves


def test_an_admin_manages_members_but_not_owners(client, organization, owner, member_of):
    admin = member_of(Role.ADMIN)
    member = member_of(Role.MEMBER)

    response = session_login(client, admin.user).get(_page("membership-list-page", organization))

    manageable = {r["membership"].pk: r["manageable"] for r in response.context["rows"]}
    assert manageable == {owner.pk: False, admin.pk: True, member.pk: True}
    assert [value for value, _ in response.context["role_choices"]] == ["admin", "member", "viewer"]
    assert "Invite people" in response.content.decode()


def test_an_admin_changes_a_members_role(client, organization, member_of):
    member = member_of(Role.MEMBER)
    session_login(client, member_of(Role.ADMIN).user)

    response = client.post(_page("membership-role-page", organization, member.pk), {"role": "viewer"}, follow=True)

    member.refresh_from_db()
    assert member.role == Role.VIEWER
    assert f"{member.user.email} is now viewer." in _messages(response)


def test_the_last_owner_cannot_step_down_and_is_told_why(client, organization, owner):
    response = session_login(client, owner.user).post(
        _page("membership-role-page", organization, owner.pk), {"role": "admin"}, follow=True
    )

    owner.refresh_from_db()
    assert owner.role == Role.OWNER
    assert _messages(response) == ["An organization must keep at least one owner."]
    assert "flash-error" in response.content.decode()


def test_an_admin_cannot_demote_an_owner(client, organization, owner, member_of):
    response = session_login(client, member_of(Role.ADMIN).user).post(
        _page("membership-role-page", organization, owner.pk), {"role": "viewer"}, follow=True
    )

    owner.refresh_from_db()
    assert owner.role == Role.OWNER
    assert _messages(response) == ["Only an owner can make or change an owner."]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_cannot_change_roles_or_remove_anyone(client, organization, member_of, role):
    other = member_of(Role.MEMBER)
    session_login(client, member_of(role).user)

    change = client.post(_page("membership-role-page", organization, other.pk), {"role": "admin"})
    remove = client.post(_page("membership-remove-page", organization, other.pk))

    assert (change.status_code, remove.status_code) == (403, 403)
    other.refresh_from_db()
    assert other.role == Role.MEMBER


def test_an_admin_removes_a_member(client, organization, member_of):
    member = member_of(Role.MEMBER)

    response = session_login(client, member_of(Role.ADMIN).user).post(
        _page("membership-remove-page", organization, member.pk)
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_anyone_can_leave_and_the_organization_stops_being_current(client, organization, owner, member_of):
    viewer = member_of(Role.VIEWER)
    session_login(client, viewer.user)
    client.post(SWITCH, {"organization_id": organization.pk, "next": "/"})

    response = client.post(_page("membership-remove-page", organization, viewer.pk))

    assert response["Location"] == ORGANIZATIONS
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    assert SESSION_KEY not in client.session


def test_the_last_owner_cannot_leave(client, organization, owner):
    response = session_login(client, owner.user).post(
        _page("membership-remove-page", organization, owner.pk), follow=True
    )

    assert Membership.objects.filter(pk=owner.pk).exists()
    assert _messages(response) == ["An organization must keep at least one owner."]


# --- Invitations -------------------------------------------------------------------------------------------


def test_an_admin_invites_by_email_and_sees_it_pending(client, organization, member_of):
    admin = member_of(Role.ADMIN)
    session_login(client, admin.user)

    response = client.post(_page("invitation-list-page", organization), {"email": "New@Example.com", "role": "member"})

    assert response.status_code == 302
    invitation = Invitation.objects.get(organization=organization)
    assert (invitation.email, invitation.role, invitation.invited_by) == ("new@example.com", "member", admin.user)
    assert mail.outbox[0].to == ["new@example.com"]
    assert INVITATION_LINK.search(mail.outbox[0].body)
    listed = client.get(_page("invitation-list-page", organization))
    assert list(listed.context["pending"]) == [invitation]


def test_only_an_owner_is_offered_the_owner_role(client, organization, owner, member_of):
    as_admin = session_login(Client(), member_of(Role.ADMIN).user).get(_page("invitation-list-page", organization))
    as_owner = session_login(client, owner.user).get(_page("invitation-list-page", organization))

    assert [value for value, _ in as_admin.context["form"].fields["role"].choices] == ["admin", "member", "viewer"]
    assert [value for value, _ in as_owner.context["form"].fields["role"].choices] == Role.values


def test_inviting_a_member_again_is_refused_on_the_form(client, organization, owner, member_of):
    member = member_of(Role.MEMBER)

    response = session_login(client, owner.user).post(
        _page("invitation-list-page", organization), {"email": member.user.email, "role": "viewer"}
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["This person is already a member of the organization."]
    assert not mail.outbox


def test_past_invitations_are_not_listed_as_pending(client, organization, owner):
    pending = InvitationFactory(organization=organization)
    InvitationFactory(organization=organization, accepted_at=timezone.now())
    InvitationFactory(organization=organization, revoked_at=timezone.now())
    InvitationFactory(organization=organization, expires_at=timezone.now() - timezone.timedelta(minutes=1))

    response = session_login(client, owner.user).get(_page("invitation-list-page", organization))

    assert list(response.context["pending"]) == [pending]


def test_an_admin_revokes_an_invitation(client, organization, member_of):
    invitation = InvitationFactory(organization=organization)

    response = session_login(client, member_of(Role.ADMIN).user).post(
        _page("invitation-revoke-page", organization, invitation.pk)
    )

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_cannot_see_or_send_invitations(client, organization, member_of, role):
    invitation = InvitationFactory(organization=organization)
    session_login(client, member_of(role).user)

    listing = client.get(_page("invitation-list-page", organization))
    sending = client.post(_page("invitation-list-page", organization), {"email": "x@example.com", "role": "admin"})
    revoking = client.post(_page("invitation-revoke-page", organization, invitation.pk))

    assert (listing.status_code, sending.status_code, revoking.status_code) == (403, 403, 403)
    assert Invitation.objects.filter(organization=organization).count() == 1
    assert "Invitations" not in client.get(_page("membership-list-page", organization)).content.decode()


# --- Accepting an invitation ---------------------------------------------------------------------------------


def _invited(client: Client, organization: Organization, owner: Membership, email: str, role: str = "member") -> str:
    """Invite `email` through the page, as the owner, and return the path of the emailed link."""
    session_login(client, owner.user)
    client.post(_page("invitation-list-page", organization), {"email": email, "role": role})
    client.logout()
    return INVITATION_LINK.search(mail.outbox[-1].body).group(1)


def test_the_link_names_the_organization_and_role_then_joins_and_switches(client, organization, owner):
    OrganizationFactory()
    invitee = UserFactory(email="grace@example.com")
    MembershipFactory(user=invitee, organization=OrganizationFactory(name="Aardvark"))  # current until she joins
    link = _invited(client, organization, owner, "grace@example.com", role="viewer")
    session_login(client, invitee)

    page = client.get(link)

    assert page.status_code == 200
    assert page.context["invitation"].organization == organization
    assert "Join Acme" in page.content.decode()
    assert "Viewer" in page.content.decode()

    response = client.post(link, follow=True)

    assert Membership.objects.get(organization=organization, user=invitee).role == Role.VIEWER
    assert response.redirect_chain[-1][0] == reverse("project-list-page")
    assert response.context["current_organization"] == organization
    assert "You joined Acme as viewer." in _messages(response)


def test_a_link_for_another_address_names_nothing(client, organization, owner):
    link = _invited(client, organization, owner, "grace@example.com")
    session_login(client, UserFactory(email="mallory@example.com"))

    page = client.get(link)
    accepted = client.post(link, follow=True)

    assert page.context["invitation"] is None
    assert "This invitation cannot be used" in page.content.decode()
    assert "Acme" not in page.content.decode()
    assert not Membership.objects.filter(organization=organization, user__email="mallory@example.com").exists()
    assert _messages(accepted) == ["This invitation is invalid, has expired, or is for another email address."]


def test_an_unknown_or_revoked_link_is_explained(client, organization, owner):
    link = _invited(client, organization, owner, "grace@example.com")
    Invitation.objects.update(revoked_at=timezone.now())
    session_login(client, UserFactory(email="grace@example.com"))

    for path in (link, "/invitations/not-a-token/"):
        page = client.get(path)
        assert page.status_code == 200
        assert "This invitation cannot be used" in page.content.decode()


def test_the_link_asks_a_signed_out_visitor_to_sign_in_first(client, organization, owner):
    link = _invited(client, organization, owner, "grace@example.com")

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={link}"


# --- API keys ----------------------------------------------------------------------------------------------


def test_a_new_key_is_shown_once_and_stored_as_a_digest(client, organization, member_of):
    admin = member_of(Role.ADMIN)
    session_login(client, admin.user)

    response = client.post(
        _page("api-key-list-page", organization), {"name": "CI", "scopes": ["read", "scans:write"], "expires_in": "30"}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw_key = response.context["raw_key"]
    assert raw_key.startswith("bsk_")
    assert raw_key in response.content.decode()
    api_key = ApiKey.objects.get(organization=organization)
    assert api_key.digest == hashlib.sha256(raw_key.encode()).hexdigest()
    assert (api_key.name, api_key.scopes, api_key.created_by) == ("CI", ["read", "scans:write"], admin.user)
    assert timezone.timedelta(days=29) < api_key.expires_at - timezone.now() <= timezone.timedelta(days=30)

    listing = client.get(_page("api-key-list-page", organization)).content.decode()
    assert api_key.prefix in listing
    assert raw_key not in listing


def test_a_key_needs_a_scope(client, organization, owner):
    response = session_login(client, owner.user).post(_page("api-key-list-page", organization), {"name": "CI"})

    assert response.status_code == 400
    assert "scopes" in response.context["form"].errors
    assert not ApiKey.objects.exists()


def test_the_list_shows_this_organizations_live_keys_only(client, organization, owner):
    live = ApiKeyFactory(organization=organization, name="live")
    ApiKeyFactory(organization=organization, name="revoked", revoked_at=timezone.now())
    MembershipFactory(user=owner.user, organization=(elsewhere := OrganizationFactory()), role=Role.OWNER)
    ApiKeyFactory(organization=elsewhere, name="elsewhere")

    response = session_login(client, owner.user).get(_page("api-key-list-page", organization))

    assert [row["key"] for row in response.context["rows"]] == [live]


def test_an_admin_revokes_a_key(client, organization, member_of):
    api_key = ApiKeyFactory(organization=organization)

    response = session_login(client, member_of(Role.ADMIN).user).post(
        _page("api-key-revoke-page", organization, api_key.pk)
    )

    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_a_key_of_my_other_organization_cannot_be_revoked_through_this_one(client, organization, owner):
    other = MembershipFactory(user=owner.user, organization=OrganizationFactory(), role=Role.OWNER).organization
    theirs = ApiKeyFactory(organization=other)

    response = session_login(client, owner.user).post(_page("api-key-revoke-page", organization, theirs.pk))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_have_no_key_pages(client, organization, member_of, role):
    api_key = ApiKeyFactory(organization=organization)
    session_login(client, member_of(role).user)

    listing = client.get(_page("api-key-list-page", organization))
    creating = client.post(_page("api-key-list-page", organization), {"name": "x", "scopes": ["read"]})
    revoking = client.post(_page("api-key-revoke-page", organization, api_key.pk))

    assert (listing.status_code, creating.status_code, revoking.status_code) == (403, 403, 403)
    assert ApiKey.objects.filter(revoked_at__isnull=True).count() == 1


# --- Keys of former members ---------------------------------------------------------------------------------


def _former_member_with_keys(organization: Organization, count: int) -> tuple[User, list[ApiKey]]:
    """Someone who created keys here and has left since: the keys stay, as organization credentials."""
    former = UserFactory(full_name="Ada Former")
    return former, ApiKeyFactory.create_batch(count, organization=organization, created_by=former)


def test_the_key_list_says_who_created_each_key_and_who_has_left(client, organization, owner):
    ApiKeyFactory(organization=organization, created_by=owner.user, name="mine")
    former, _ = _former_member_with_keys(organization, 2)

    response = session_login(client, owner.user).get(_page("api-key-list-page", organization))

    page = response.content.decode()
    assert owner.user.email in page
    assert former.email in page
    assert page.count("Former member</span>") == 2
    assert f'aria-label="Revoke all 2 API keys of {former.email}"' in page
    members = {row["key"].name: row["key"].created_by_is_member for row in response.context["rows"]}
    assert members["mine"] is True
    assert sorted(members.values()) == [False, False, True]


def test_the_members_page_lists_what_former_members_left_and_revokes_it_in_one_step(client, organization, owner):
    former, keys = _former_member_with_keys(organization, 2)
    kept = ApiKeyFactory(organization=organization, created_by=owner.user)
    session_login(client, owner.user)

    listed = client.get(_page("membership-list-page", organization))
    revoked = client.post(_page("api-key-revoke-page", organization, keys[0].pk), {"all_by_creator": "on"}, follow=True)

    assert "API keys of former members" in listed.content.decode()
    assert [[key.pk for key in group] for group in listed.context["former"]] == [[key.pk for key in reversed(keys)]]
    assert not ApiKey.objects.filter(created_by=former, revoked_at__isnull=True).exists()
    assert ApiKey.objects.filter(pk=kept.pk, revoked_at__isnull=True).exists()
    assert _messages(revoked) == [f"Revoked 2 API keys {former.email} created; requests with them now fail."]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_KEY_REVOKED, user=owner.user).count() == 2
    assert "API keys of former members" not in client.get(_page("membership-list-page", organization)).content.decode()


def test_removing_a_member_on_the_page_can_revoke_their_keys_too(client, organization, owner, member_of):
    admin = member_of(Role.ADMIN)
    ApiKeyFactory.create_batch(2, organization=organization, created_by=admin.user)
    session_login(client, owner.user)

    listed = client.get(_page("membership-list-page", organization)).content.decode()
    response = client.post(
        _page("membership-remove-page", organization, admin.pk), {"revoke_api_keys": "on"}, follow=True
    )

    assert "Also revoke their 2 API keys" in listed
    assert not Membership.objects.filter(pk=admin.pk).exists()
    assert not ApiKey.objects.filter(revoked_at__isnull=True).exists()
    assert _messages(response) == [f"{admin.user.email} no longer belongs to Acme. Revoked 2 API keys they created."]


def test_removing_a_member_on_the_page_keeps_their_keys_unless_asked(client, organization, owner, member_of):
    admin = member_of(Role.ADMIN)
    ApiKeyFactory(organization=organization, created_by=admin.user)

    session_login(client, owner.user).post(_page("membership-remove-page", organization, admin.pk))

    assert not Membership.objects.filter(pk=admin.pk).exists()
    assert ApiKey.objects.filter(revoked_at__isnull=True).count() == 1
    assert "API keys of former members" in client.get(_page("membership-list-page", organization)).content.decode()


def test_who_may_not_manage_keys_sees_nothing_of_them_on_the_members_page(client, organization, owner, member_of):
    _former_member_with_keys(organization, 1)
    ApiKeyFactory(organization=organization, created_by=owner.user)

    response = session_login(client, member_of(Role.VIEWER).user).get(_page("membership-list-page", organization))

    assert response.context["former"] == []
    page = response.content.decode()
    assert "API keys of former members" not in page
    assert "Also revoke" not in page


# --- Every page with an id: 404 for outsiders, generated from the URL configuration ---------------------


def _walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


PAGE_ROUTES = sorted(
    (entry.name, tuple(entry.pattern.converters))
    for _, entry in _walk(get_resolver().url_patterns)
    if entry.callback.__module__.startswith(("organizations.views", "projects.views"))
    and any(name.endswith("_id") for name in entry.pattern.converters)
)


# Forms that only post: a GET answers 405 whatever the id, which says nothing about the object.
POST_ONLY = {
    "organization-delete-page",
    "membership-role-page",
    "membership-remove-page",
    "invitation-revoke-page",
    "api-key-revoke-page",
}


def _world_url(name: str, parameters: tuple[str, ...], organization: Organization) -> str:
    """The page's address for objects of `organization`: one of each thing a page can name."""
    objects = {
        "organization_id": lambda: organization.pk,
        "membership_id": lambda: MembershipFactory(organization=organization).pk,
        "invitation_id": lambda: InvitationFactory(organization=organization).pk,
        "api_key_id": lambda: ApiKeyFactory(organization=organization).pk,
        "project_id": lambda: ProjectFactory(organization=organization).pk,
    }
    return reverse(name, kwargs={parameter: objects[parameter]() for parameter in parameters})


def test_every_page_with_an_id_is_in_the_matrix():
    assert {name for name, _ in PAGE_ROUTES} >= {
        "organization-settings-page",
        "membership-remove-page",
        "api-key-revoke-page",
        "project-edit-page",
        "project-delete-page",
    }


@pytest.mark.parametrize(("name", "parameters"), PAGE_ROUTES, ids=[name for name, _ in PAGE_ROUTES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_gets_404_on_every_page_with_an_id_and_changes_nothing(client, name, parameters, method):
    organization = OrganizationFactory(name="Acme", slug="acme")
    MembershipFactory(organization=organization, role=Role.OWNER)
    url = _world_url(name, parameters, organization)
    outsider = MembershipFactory(role=Role.OWNER)  # an owner, but of another organization
    counts = [model.objects.count() for model in (Organization, Membership, Invitation, ApiKey, Project)]

    response = getattr(session_login(client, outsider.user), method)(
        url, {"confirm": "acme", "role": "viewer", "name": "Renamed", "slug": "renamed", "email": "x@example.com"}
    )

    if method == "get" and name in POST_ONLY:
        assert response.status_code == 405, url
    else:
        assert response.status_code == 404, url
        assert "Page not found" in response.content.decode()
    assert [model.objects.count() for model in (Organization, Membership, Invitation, ApiKey, Project)] == counts
    assert not ApiKey.objects.filter(revoked_at__isnull=False).exists()
    assert Organization.objects.get(pk=organization.pk).name == "Acme"


# --- Lists cost a fixed number of queries ------------------------------------------------------------------


def _more_rows(organization: Organization, user: User, count: int) -> None:
    for _ in range(count):
        MembershipFactory(organization=organization, role=Role.MEMBER)
        InvitationFactory(organization=organization, invited_by=user)
        ApiKeyFactory(organization=organization, created_by=user)
        ApiKeyFactory(organization=organization, created_by=UserFactory())  # a former member's
        MembershipFactory(user=user, organization=OrganizationFactory(), role=Role.ADMIN)


@pytest.mark.parametrize(
    "name", ["membership-list-page", "invitation-list-page", "api-key-list-page", "organization-list"]
)
def test_a_list_page_costs_the_same_queries_for_one_row_or_many(client, organization, owner, name):
    url = ORGANIZATIONS if name == "organization-list" else _page(name, organization)
    session_login(client, owner.user)
    _more_rows(organization, owner.user, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    _more_rows(organization, owner.user, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    assert len(many) == len(few)


# --- Admin and the demo ---------------------------------------------------------------------------------------


@pytest.fixture
def operator(client) -> Client:
    return session_login(client, UserFactory(is_staff=True, is_superuser=True))


def test_the_admin_lists_organizations_with_their_member_count_and_finds_them(operator, organization, owner, member_of):
    member_of(Role.MEMBER)
    OrganizationFactory(name="Other")

    response = operator.get(reverse("admin:organizations_organization_changelist"), {"q": "acme"})

    assert response.status_code == 200
    assert [(o.name, o.member_count) for o in response.context["cl"].result_list] == [("Acme", 2)]
    detail = operator.get(reverse("admin:organizations_organization_change", args=[organization.pk]))
    assert owner.user.email in detail.content.decode() or str(owner.user.pk) in detail.content.decode()


def test_the_admin_never_shows_digests(operator, organization):
    invitation = InvitationFactory(organization=organization)
    api_key = ApiKeyFactory(organization=organization)

    pages = [
        operator.get(reverse("admin:organizations_invitation_change", args=[invitation.pk])),
        operator.get(reverse("admin:organizations_apikey_change", args=[api_key.pk])),
        operator.get(reverse("admin:organizations_apikey_changelist")),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200]
    for page in pages:
        assert invitation.digest not in page.content.decode()
        assert api_key.digest not in page.content.decode()


def test_an_operator_revokes_keys_from_the_admin(operator, organization):
    keys = ApiKeyFactory.create_batch(2, organization=organization)

    operator.post(
        reverse("admin:organizations_apikey_changelist"),
        {"action": "revoke_keys", "_selected_action": [key.pk for key in keys]},
    )

    assert ApiKey.objects.filter(revoked_at__isnull=False).count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_KEY_REVOKED).count() == 2


def _demo_seeded() -> tuple[User, tuple[Organization, Project]]:
    call_command("demo", stdout=StringIO())
    return User.objects.get(email="demo@bastion.local"), (Organization.objects.get(), Project.objects.get())


def test_the_demo_organization_is_made_once_with_the_demo_user_as_owner():
    user, first = _demo_seeded()
    Membership.objects.filter(user=user).update(role=Role.VIEWER)

    _, again = _demo_seeded()

    organization, project = again
    assert again == first
    assert (organization.slug, organization.name) == ("demo", "Demo Organization")
    assert Membership.objects.get(organization=organization, user=user).role == Role.OWNER
    assert (project.name, project.repo_url) == ("demo-app", "https://github.com/example/demo-app")
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_someone_invited_without_an_account_signs_up_and_lands_back_on_the_invitation(client, organization):
    invitation_page = reverse("invitation-accept-page", args=["some-token"])

    sign_in = client.get(invitation_page)
    login_page = client.get(sign_in.url)
    register_url = f"{reverse('register')}?next={invitation_page}"
    registered = client.post(
        register_url,
        {"email": "new@example.com", "username": "newcomer", "password": "Vault-Lantern-47!"},
    )
    enrollment = client.get(registered.url)
    device = TOTPDevice.objects.get(user__email="new@example.com")
    finished = client.post(registered.url, {"action": "confirm", "code": totp_code(device)})

    assert f'href="{register_url}"' in login_page.content.decode()
    assert enrollment.status_code == 200
    assert f'href="{invitation_page}"' in finished.content.decode()
