"""The role table says what PRODUCT.md says: owner (billing, delete), admin (members, projects,
settings), member (scan, chat, read), viewer (read only); API keys never manage anything."""

import pytest

from organizations.roles import ROLE_ACTIONS, SCOPE_ACTIONS, Action, Role, Scope, roles_allowed


@pytest.mark.parametrize(
    ("action", "roles"),
    [
        (Action.ORGANIZATION_VIEW, {"owner", "admin", "member", "viewer"}),
        (Action.PROJECTS_VIEW, {"owner", "admin", "member", "viewer"}),
        (Action.MEMBERS_VIEW, {"owner", "admin", "member", "viewer"}),
        (Action.SCANS_VIEW, {"owner", "admin", "member", "viewer"}),
        (Action.SCANS_CREATE, {"owner", "admin", "member"}),
        (Action.FINDINGS_TRIAGE, {"owner", "admin", "member"}),
        (Action.CHAT_USE, {"owner", "admin", "member"}),
        (Action.ALERTS_VIEW, {"owner", "admin", "member", "viewer"}),
        (Action.ALERTS_MANAGE, {"owner", "admin", "member"}),
        (Action.NOTIFICATIONS_MANAGE, {"owner", "admin"}),
        (Action.GUARDRAILS_MANAGE, {"owner", "admin"}),
        (Action.PROJECTS_MANAGE, {"owner", "admin"}),
        (Action.MEMBERS_MANAGE, {"owner", "admin"}),
        (Action.INVITATIONS_MANAGE, {"owner", "admin"}),
        (Action.ORGANIZATION_UPDATE, {"owner", "admin"}),
        (Action.API_KEYS_MANAGE, {"owner", "admin"}),
        (Action.AUDIT_VIEW, {"owner", "admin"}),
        (Action.BILLING_MANAGE, {"owner"}),
        (Action.ORGANIZATION_DELETE, {"owner"}),
    ],
)
def test_each_action_belongs_to_the_roles_product_md_gives_it(action, roles):
    assert set(roles_allowed(action)) == roles


def test_every_action_is_in_the_table():
    assert set(Action) == set().union(*ROLE_ACTIONS.values())
    assert set(ROLE_ACTIONS) == set(Role.values)


def test_api_key_scopes_never_grant_management():
    granted = set().union(*SCOPE_ACTIONS.values())

    assert set(SCOPE_ACTIONS) == set(Scope.values)
    assert granted <= ROLE_ACTIONS[Role.MEMBER]
