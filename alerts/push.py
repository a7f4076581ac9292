"""What each open dashboard of an organization hears: a new or changed alert, and the unread count."""

from alerts.models import Alert
from alerts.selectors import alert_unread_count
from core.push import organization_alerts_group, push_to_group
from organizations.models import Organization


def alerts_push(*, organization: Organization, event: str, alerts: list[Alert]) -> None:
    """Tell the organization's members, after the commit, about `alerts` (`alert.created` or `alert.updated`)."""
    # Imported here: the API's output serializer is the one shape of an alert, and it imports the services.
    from alerts.api.serializers import AlertOutputSerializer

    payload = {
        "type": event,
        "organization_id": str(organization.pk),
        "alerts": AlertOutputSerializer(alerts, many=True).data,
        "unread_count": alert_unread_count(organization=organization),
    }
    group = organization_alerts_group(organization.pk)
    push_to_group(group, {"type": "alerts.event", "organization_id": str(organization.pk), "payload": payload})
