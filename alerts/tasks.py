"""Delivery of alerts by Celery: each channel is its own task, retried with exponential backoff, so a
failing webhook neither delays nor repeats the email."""

import logging
from collections.abc import Callable, Sequence

from celery import Task, shared_task
from django.conf import settings

logger = logging.getLogger("bastion.alerts")


def retry_countdown(retries: int) -> int:
    """Seconds before retry number `retries + 1`: the backoff doubles each time (30 s, 60 s, 120 s …)."""
    return settings.ALERT_DELIVERY_BACKOFF_SECONDS * 2**retries


def _deliver(task: Task, send: Callable[..., object], organization_id: str, alert_ids: Sequence[str]) -> object:
    from alerts.notifications import DeliveryFailed

    try:
        return send(organization_id=organization_id, alert_ids=alert_ids)
    except DeliveryFailed as failed:
        retries = task.request.retries
        if retries >= settings.ALERT_DELIVERY_MAX_RETRIES:
            logger.error("Alert delivery gave up after %s retries (%s)", retries, failed)
            raise
        countdown = retry_countdown(retries)
        logger.warning("Alert delivery failed (%s); retry %s in %s s", failed, retries + 1, countdown)
        raise task.retry(countdown=countdown, max_retries=settings.ALERT_DELIVERY_MAX_RETRIES) from None


@shared_task(bind=True, acks_late=True)
def alerts_email_send_task(self: Task, organization_id: str, alert_ids: list[str]) -> object:
    from alerts.notifications import alerts_email_send

    return _deliver(self, alerts_email_send, organization_id, alert_ids)


@shared_task(bind=True, acks_late=True)
def alerts_webhook_send_task(self: Task, organization_id: str, alert_ids: list[str]) -> object:
    from alerts.notifications import alerts_webhook_post

    return _deliver(self, alerts_webhook_post, organization_id, alert_ids)
