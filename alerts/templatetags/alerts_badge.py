"""The navigation's unread-alerts count for the organization the person is working in."""

from django import template

from alerts.selectors import alert_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def alerts_unread(context: template.Context) -> int:
    # current_organization comes from the person's own organizations (the context processor), and every
    # role may read its alerts, so the count needs no further check.
    organization = context.get("current_organization")
    return alert_unread_count(organization=organization) if organization else 0
