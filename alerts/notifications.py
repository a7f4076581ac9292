"""Telling people outside the dashboard: email to the chosen roles and a Slack-compatible webhook.

Both read only the alert's title and message, which never quote the scanned input. A webhook URL is
checked when it is saved and again when it is used, since the name may point elsewhere by then.
"""

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from alerts.models import Alert, NotificationSettings
from alerts.selectors import notification_settings_get
from core.exceptions import ValidationFailed
from core.network import UnsafeURL, host_resolve, session_create, url_check
from organizations.models import Membership, Organization
from scans.engine.findings import Severity

logger = logging.getLogger("bastion.alerts")
WEBHOOK_TIMEOUT_SECONDS = 10
# One message names at most this many alerts; the rest are counted and wait in the inbox.
ALERTS_LISTED = 10


class DeliveryFailed(Exception):
    """A delivery that may succeed later (the server or the network failed): the task retries it."""


def webhook_url_check(url: str) -> None:
    """Refuse a webhook URL Bastion must not post to, by its text and by what its host resolves to; plain
    http only where an operator allows local URLs."""
    allow_private = settings.ALLOW_PRIVATE_WEBHOOK_URLS
    schemes = ("https", "http") if allow_private else ("https",)
    try:
        parts = url_check(url, schemes=schemes, allow_private=allow_private)
        # A public-looking name may resolve to a private address: asked now, and again when posting.
        host_resolve(parts.hostname or "", parts.port or 443, allow_private=allow_private)
    except UnsafeURL as refused:
        raise ValidationFailed(errors={"webhook_url": [str(refused)]}) from None


def webhook_url_hint(url: str) -> str:
    """What the API shows of a stored webhook URL: enough to recognise it, not enough to post to it."""
    if not url:
        return ""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/…"


def alert_link(alert: Alert) -> str:
    return f"{settings.PUBLIC_BASE_URL}/alerts/{alert.pk}"


def _due(
    organization_id: str, alert_ids: Sequence[str], *, unsent: str
) -> tuple[Organization, NotificationSettings, list[Alert]] | None:
    """The alerts still to send on the channel whose timestamp is `unsent`, locked until the caller's
    transaction ends. A task run again (a worker lost before its ack) finds what it sent already marked,
    and one running beside it skips the locked rows: each alert goes out once per channel, or twice only
    when a worker dies between the send and the commit."""
    # The service handed the task the organization with the ids: the alerts are read within it.
    alerts = list(
        Alert.objects.in_organization(organization_id)
        .filter(pk__in=alert_ids, is_resolved=False, **{f"{unsent}__isnull": True})
        .select_related("organization", "project")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("created_at", "pk")
    )
    if not alerts:
        return None
    organization = alerts[0].organization
    chosen = notification_settings_get(organization=organization)
    lowest = Severity(chosen.min_severity).rank
    due = [alert for alert in alerts if Severity(alert.severity).rank >= lowest]
    return (organization, chosen, due) if due else None


def _sent(alerts: list[Alert], *, unsent: str) -> None:
    organization = alerts[0].organization
    Alert.objects.in_organization(organization).filter(pk__in=[alert.pk for alert in alerts]).update(
        **{unsent: timezone.now()}
    )


def _subject(organization: Organization, alerts: list[Alert]) -> str:
    if len(alerts) == 1:
        return f"[Bastion] {alerts[0].severity.capitalize()} alert in {organization.name}: {alerts[0].title}"
    return f"[Bastion] {len(alerts)} new alerts in {organization.name}"


@transaction.atomic
def alerts_email_send(*, organization_id: str, alert_ids: Sequence[str]) -> int:
    """Email the alerts to the members whose roles the organization chose; the number of emails sent."""
    found = _due(organization_id, alert_ids, unsent="emailed_at")
    if found is None or not found[1].email_enabled:
        return 0
    organization, chosen, alerts = found
    members = (
        Membership.objects.in_organization(organization)
        .filter(role__in=chosen.email_roles, user__is_active=True)
        .select_related("user")
    )
    context = {
        "organization": organization,
        "alerts": [(alert, alert_link(alert)) for alert in alerts[:ALERTS_LISTED]],
        "more": max(0, len(alerts) - ALERTS_LISTED),
        "inbox": f"{settings.PUBLIC_BASE_URL}/alerts/",
    }
    body = render_to_string("alerts/email/alerts_raised.txt", context)
    subject = _subject(organization, alerts)
    # One message per person: recipients never see each other's addresses.
    messages = [EmailMessage(subject, body, to=[member.user.email]) for member in members]
    try:
        sent = get_connection().send_messages(messages) or 0
    except OSError as error:  # SMTP errors are OSErrors too
        raise DeliveryFailed(f"email: {type(error).__name__}") from None
    _sent(alerts, unsent="emailed_at")
    return sent


def webhook_blocks(organization: Organization, alerts: list[Alert]) -> dict:
    """A Block Kit message: a header, then per alert its severity, project and a link to the dashboard."""
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": _subject(organization, alerts)[:150]}}
    ]
    for alert in alerts[:ALERTS_LISTED]:
        project = alert.project.name if alert.project else "—"
        blocks += [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{alert.title}*\n{alert.message}"}},
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*Severity*\n{alert.severity.capitalize()}"},
                    {"type": "mrkdwn", "text": f"*Project*\n{project}"},
                ],
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open in Bastion"},
                        "url": alert_link(alert),
                    }
                ],
            },
        ]
    if len(alerts) > ALERTS_LISTED:
        more = f"…and {len(alerts) - ALERTS_LISTED} more in the <{settings.PUBLIC_BASE_URL}/alerts/|alerts inbox>."
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": more}]})
    # `text` is what notifications and clients without blocks show.
    return {"text": _subject(organization, alerts), "blocks": blocks}


@transaction.atomic
def alerts_webhook_post(*, organization_id: str, alert_ids: Sequence[str]) -> bool:
    """Post the alerts to the organization's webhook; False when there was nothing to post or it was refused."""
    found = _due(organization_id, alert_ids, unsent="webhook_posted_at")
    if found is None or not (found[1].webhook_enabled and found[1].webhook_url):
        return False
    organization, chosen, alerts = found
    allow_private = settings.ALLOW_PRIVATE_WEBHOOK_URLS
    try:
        webhook_url_check(chosen.webhook_url)
        with session_create(allow_private=allow_private) as session:
            response = session.post(
                chosen.webhook_url, json=webhook_blocks(organization, alerts), timeout=WEBHOOK_TIMEOUT_SECONDS
            )
    except (ValidationFailed, UnsafeURL):
        # Never retried: the address will not become acceptable by waiting. The URL itself is a secret.
        logger.warning("Alert webhook of organization %s refused: its address is not allowed", organization.pk)
        return False
    except OSError as error:  # requests' connection errors and timeouts are OSErrors
        raise DeliveryFailed(f"webhook: {type(error).__name__}") from None
    if response.status_code >= 500 or response.status_code == 429:
        raise DeliveryFailed(f"webhook: HTTP {response.status_code}")
    if response.status_code >= 400:
        logger.warning("Alert webhook of organization %s answered HTTP %s", organization.pk, response.status_code)
        return False
    _sent(alerts, unsent="webhook_posted_at")
    return True
