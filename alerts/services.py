"""Raising alerts from a completed scan, and changing them: every write to an alert goes through here."""

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts import rules, tasks
from alerts.exceptions import AlertAlreadyOpen
from alerts.models import Alert, NotificationSettings
from alerts.notifications import webhook_url_check
from alerts.push import alerts_push
from alerts.selectors import notification_settings_get
from audit.models import AuditEvent
from audit.services import audit_event_record
from core.exceptions import ValidationFailed
from organizations.access import organization_action_require
from organizations.roles import Action, Role
from scans.engine.findings import Category, Severity
from scans.engine.findings import fingerprint as engine_fingerprint
from scans.models import Finding, Scan, Triage

if TYPE_CHECKING:
    from organizations.models import Actor, Organization


def _notify(organization: "Organization", alerts: list[Alert]) -> None:
    organization_id, ids = str(organization.pk), [str(alert.pk) for alert in alerts]
    # After the commit, so the worker finds the rows; email and webhook retry independently. Robust:
    # the scan stands, and a broker that is down must not fail the request that completed it.
    transaction.on_commit(lambda: tasks.alerts_email_send_task.delay(organization_id, ids), robust=True)
    transaction.on_commit(lambda: tasks.alerts_webhook_send_task.delay(organization_id, ids), robust=True)


@transaction.atomic
def alerts_raise_for_scan(*, scan: Scan) -> list[Alert]:
    """Raise the alerts a completed scan calls for and announce the new ones. Safe to call twice and
    from racing workers: an open alert per (organization, fingerprint) is unique in the database."""
    organization = scan.project.organization
    findings = Finding.objects.in_organization(organization).filter(scan=scan).order_by("file_path", "line", "pk")
    triaged = set(
        Triage.objects.in_organization(organization)
        .filter(fingerprint__in=findings.values("fingerprint"))
        .values_list("fingerprint", flat=True)
    )
    candidates = [
        found for found in rules.alert_candidates(scan=scan, findings=findings) if found.fingerprint not in triaged
    ]
    if not candidates:
        return []
    rows = [
        Alert(
            organization=organization,
            project=scan.project,
            scan=scan,
            fingerprint=found.fingerprint,
            kind=found.kind,
            severity=found.severity,
            title=found.title,
            message=found.message,
        )
        for found in candidates
    ]
    # A fingerprint with an open alert conflicts and is skipped; the rows that exist afterwards are new.
    Alert.objects.bulk_create(rows, ignore_conflicts=True)
    raised = list(
        Alert.objects.in_organization(organization)
        .filter(pk__in=[row.pk for row in rows])
        .select_related("project")
        .order_by("created_at", "pk")
    )
    if raised:
        alerts_push(organization=organization, event="alert.created", alerts=raised)
        _notify(organization, raised)
    return raised


@transaction.atomic
def alert_update(
    *, actor: "Actor", alert: Alert, is_read: bool | None = None, is_resolved: bool | None = None
) -> Alert:
    """Mark an alert read or unread, resolved or open again."""
    organization_action_require(actor=actor, organization=alert.organization, action=Action.ALERTS_MANAGE)
    if is_read is not None:
        alert.is_read = is_read
    if is_resolved is not None and is_resolved != alert.is_resolved:
        by_key = getattr(actor, "is_api_key", False)
        alert.is_resolved = is_resolved
        alert.resolved_by = actor if is_resolved and not by_key else None
        alert.resolved_at = timezone.now() if is_resolved else None
    try:
        with transaction.atomic():
            alert.save(update_fields=["is_read", "is_resolved", "resolved_by", "resolved_at"])
    except IntegrityError:
        raise AlertAlreadyOpen() from None
    alerts_push(organization=alert.organization, event="alert.updated", alerts=[alert])
    return alert


@transaction.atomic
def alerts_resolve_for_fingerprint(*, actor: "Actor", organization: "Organization", fingerprint: str) -> list[Alert]:
    """Resolve the organization's open alert on a fingerprint it has just triaged: the decision answers it."""
    # Triaging is what allows it: whoever may decide on a finding may close the alert it raised.
    organization_action_require(actor=actor, organization=organization, action=Action.FINDINGS_TRIAGE)
    open_alerts = list(
        Alert.objects.in_organization(organization)
        .filter(fingerprint=fingerprint, is_resolved=False)
        .select_related("project")
    )
    if not open_alerts:
        return []
    resolved_by = None if getattr(actor, "is_api_key", False) else actor
    now = timezone.now()
    Alert.objects.in_organization(organization).filter(pk__in=[alert.pk for alert in open_alerts]).update(
        is_resolved=True, resolved_at=now, resolved_by=resolved_by
    )
    for alert in open_alerts:
        alert.is_resolved, alert.resolved_at, alert.resolved_by = True, now, resolved_by
    alerts_push(organization=organization, event="alert.updated", alerts=open_alerts)
    return open_alerts


@transaction.atomic
def notification_settings_update(
    *, actor: "Actor", organization: "Organization", **changes: object
) -> NotificationSettings:
    """Change how the organization hears of alerts; a webhook URL is checked before it is stored."""
    organization_action_require(actor=actor, organization=organization, action=Action.NOTIFICATIONS_MANAGE)
    current = notification_settings_get(organization=organization)
    if "email_roles" in changes:
        chosen = set(changes["email_roles"])
        if not chosen <= set(Role.values):
            raise ValidationFailed(errors={"email_roles": ["Choose among owner, admin, member and viewer."]})
        # The role table's order, each once: the stored list reads the same however it was sent.
        changes["email_roles"] = [role for role in Role.values if role in chosen]
    url = changes.get("webhook_url")
    if url:
        webhook_url_check(str(url))
    # What differs, not what was sent: the settings page sends every field each time.
    changed = sorted(name for name, value in changes.items() if getattr(current, name) != value)
    for name, value in changes.items():
        setattr(current, name, value)
    if current.webhook_enabled and not current.webhook_url:
        raise ValidationFailed(errors={"webhook_url": ["Set a webhook URL before turning the webhook on."]})
    current.updated_by = None if getattr(actor, "is_api_key", False) else actor
    current.full_clean()
    current.save()
    if changed:
        # The names only: the webhook URL is a secret, and the settings themselves are one request away.
        audit_event_record(
            action=AuditEvent.Action.NOTIFICATIONS_UPDATED,
            user=actor,
            organization=organization,
            data={"changed": changed},
        )
    return current


def _sender(actor: "Actor") -> str:
    api_key = getattr(actor, "api_key", None)
    return f"API key {api_key.prefix}…" if api_key is not None else actor.email


@transaction.atomic
def alerts_raise_for_blocked_prompt(
    *, organization: "Organization", actor: "Actor", categories: list[str], scores: dict[str, int]
) -> Alert | None:
    """Raise an alert for a completion the guardrails blocked: one open alert per sender, categories and
    day, so a person retrying a jailbreak fills no inbox. The alert names the risks, never the prompt."""
    sender = _sender(actor)
    day = timezone.now().date().isoformat()
    fingerprint = engine_fingerprint(
        rule_id="prompt.blocked", value=f"{sender}|{','.join(sorted(categories))}", path=day
    )
    named = ", ".join(f"{category.replace('_', ' ')} {scores.get(category, 0)}/100" for category in categories)
    alert = Alert(
        organization=organization,
        fingerprint=fingerprint,
        kind=Category.PROMPT,
        severity=Severity.HIGH,
        title=f"Blocked prompt: {', '.join(category.replace('_', ' ') for category in categories)}",
        message=f"The guardrails blocked a chat prompt from {sender} ({named}). "
        "The prompt was not sent to any model; it is kept only in its sender's own chat.",
    )
    Alert.objects.bulk_create([alert], ignore_conflicts=True)
    raised = Alert.objects.in_organization(organization).filter(pk=alert.pk).first()
    if raised is not None:
        alerts_push(organization=organization, event="alert.created", alerts=[raised])
        _notify(organization, [raised])
    return raised
