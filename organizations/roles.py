"""The one role table: what each organization role may do. Every API view and page asks it."""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class Action(StrEnum):
    ORGANIZATION_VIEW = "organization.view"
    ORGANIZATION_UPDATE = "organization.update"
    ORGANIZATION_DELETE = "organization.delete"
    MEMBERSHIP_LEAVE = "membership.leave"
    BILLING_MANAGE = "billing.manage"
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    INVITATIONS_MANAGE = "invitations.manage"
    PROJECTS_VIEW = "projects.view"
    PROJECTS_MANAGE = "projects.manage"
    API_KEYS_MANAGE = "api_keys.manage"
    AUDIT_VIEW = "audit.view"
    SCANS_VIEW = "scans.view"
    SCANS_CREATE = "scans.create"
    FINDINGS_TRIAGE = "findings.triage"
    CHAT_USE = "chat.use"
    ALERTS_VIEW = "alerts.view"
    ALERTS_MANAGE = "alerts.manage"
    NOTIFICATIONS_MANAGE = "notifications.manage"
    GUARDRAILS_MANAGE = "guardrails.manage"


_READ = frozenset(
    {Action.ORGANIZATION_VIEW, Action.MEMBERS_VIEW, Action.PROJECTS_VIEW, Action.SCANS_VIEW, Action.ALERTS_VIEW}
)
# What belonging brings: a key reads like a member but belongs to no one, so it has no membership to end.
_BELONG = _READ | {Action.MEMBERSHIP_LEAVE}
# Marking an alert read or resolved is working on what scans found, as triage is.
_WORK = _BELONG | {Action.SCANS_CREATE, Action.FINDINGS_TRIAGE, Action.CHAT_USE, Action.ALERTS_MANAGE}
_ADMINISTER = _WORK | {
    Action.ORGANIZATION_UPDATE,
    Action.MEMBERS_MANAGE,
    Action.INVITATIONS_MANAGE,
    Action.PROJECTS_MANAGE,
    Action.API_KEYS_MANAGE,
    Action.AUDIT_VIEW,
    Action.NOTIFICATIONS_MANAGE,
    Action.GUARDRAILS_MANAGE,
}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.OWNER: _ADMINISTER | {Action.ORGANIZATION_DELETE, Action.BILLING_MANAGE},
    Role.ADMIN: _ADMINISTER,
    Role.MEMBER: _WORK,
    Role.VIEWER: _BELONG,
}


class Scope(models.TextChoices):
    """What an API key may do: a key is never more than a member, and never manages anything."""

    READ = "read", "Read"
    SCANS_WRITE = "scans:write", "Submit scans"
    CHAT = "chat", "Use chat"


SCOPE_ACTIONS: dict[str, frozenset[Action]] = {
    Scope.READ: _READ,
    # A pipeline that scans may also record a decision about what it found, as a baseline file would.
    Scope.SCANS_WRITE: frozenset({Action.SCANS_CREATE, Action.FINDINGS_TRIAGE}),
    Scope.CHAT: frozenset({Action.CHAT_USE}),
}


def role_allows(role: str, action: Action) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())


def scopes_allow(scopes: list[str], action: Action) -> bool:
    return any(action in SCOPE_ACTIONS.get(scope, frozenset()) for scope in scopes)


def roles_assignable(by_role: str | None) -> list[str]:
    """The roles someone with `by_role` may give, change or take away: only an owner touches an owner."""
    return [role for role in Role.values if role != Role.OWNER or by_role == Role.OWNER]


def roles_allowed(action: Action) -> list[str]:
    """The roles whose members may do `action`, for filtering lists in SQL."""
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]
