"""The audit log: append-only, read-only for operators, and readable by exactly the people it concerns."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from audit.models import AuditEvent
from audit.selectors import audit_event_list
from audit.services import audit_event_record
from organizations.models import ApiKeyActor
from organizations.roles import Role
from tests.accounts.factories import UserFactory
from tests.accounts.mfa import session_login
from tests.audit.factories import AuditEventFactory
from tests.organizations.factories import ApiKeyFactory, MembershipFactory, OrganizationFactory


def test_an_event_can_be_neither_changed_nor_deleted(db):
    event = audit_event_record(action=AuditEvent.Action.LOGIN_SUCCEEDED, user=UserFactory())

    event.action = AuditEvent.Action.LOGOUT
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()

    assert AuditEvent.objects.get(pk=event.pk).action == AuditEvent.Action.LOGIN_SUCCEEDED


def test_operators_read_the_log_in_the_admin_but_cannot_add_change_or_delete(client, db):
    event = AuditEventFactory()
    session_login(client, UserFactory(is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    refused = [
        client.get(reverse("admin:audit_auditevent_add")).status_code,
        client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "logout"}).status_code,
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code,
    ]

    assert listing.status_code == 200
    assert [shown.pk for shown in listing.context["cl"].result_list] == [event.pk]
    assert refused == [403, 403, 403]
    assert AuditEvent.objects.get(pk=event.pk).action == AuditEvent.Action.LOGIN_SUCCEEDED


@pytest.fixture
def events(organization, owner):
    """An account event of the owner's, and organization events by the owner and by someone elsewhere."""
    return {
        "owner's sign-in": AuditEventFactory(user=owner.user),
        "owner's project": AuditEventFactory(
            user=owner.user, organization=organization, action=AuditEvent.Action.PROJECT_CREATED
        ),
        "api key's project": AuditEventFactory(
            user=None, organization=organization, action=AuditEvent.Action.PROJECT_UPDATED
        ),
        "elsewhere": AuditEventFactory(organization=OrganizationFactory(), action=AuditEvent.Action.PROJECT_CREATED),
    }


def _visible(actor, events) -> set[str]:
    shown = set(AuditEvent.objects.visible_to(actor).values_list("pk", flat=True))
    return {name for name, event in events.items() if event.pk in shown}


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_owners_and_admins_read_their_organizations_log(organization, events, member_of, role):
    auditor = member_of(role).user

    assert _visible(auditor, events) == {"owner's project", "api key's project"}


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_read_only_what_they_did(organization, events, member_of, role):
    person = member_of(role).user
    own = AuditEventFactory(user=person, organization=organization, action=AuditEvent.Action.INVITATION_ACCEPTED)

    assert _visible(person, events | {"own": own}) == {"own"}


def test_a_person_reads_their_own_account_events(owner, events):
    assert _visible(owner.user, events) == {"owner's sign-in", "owner's project", "api key's project"}


def test_outsiders_api_keys_and_anonymous_callers_read_nothing(organization, events):
    api_key = ApiKeyFactory(organization=organization, scopes=["read", "scans:write", "chat"])

    assert _visible(UserFactory(), events) == set()
    assert _visible(ApiKeyActor(api_key), events) == set()
    assert _visible(AnonymousUser(), events) == set()


def test_the_list_narrows_to_one_organization_newest_first(organization, owner, events):
    later = AuditEventFactory(user=owner.user, organization=organization, action=AuditEvent.Action.PROJECT_DELETED)
    MembershipFactory(user=owner.user, organization=events["elsewhere"].organization, role=Role.ADMIN)

    listed = list(audit_event_list(actor=owner.user, organization_id=organization.pk))

    assert listed == [later, events["api key's project"], events["owner's project"]]
