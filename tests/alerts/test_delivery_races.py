"""One alert's delivery task handed to two workers at once (a redelivery while the first still runs):
the webhook hears of it once."""

import pytest

from alerts.models import NotificationSettings
from alerts.notifications import alerts_webhook_post
from tests.alerts.factories import AlertFactory
from tests.alerts.receiver import receiver_running
from tests.races import race

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 4


def test_racing_deliveries_of_one_alert_post_it_once(project, settings):
    settings.ALLOW_PRIVATE_WEBHOOK_URLS = True
    alert = AlertFactory(scan__project=project, severity="critical")
    with receiver_running() as receiver:
        NotificationSettings.objects.create(
            organization=project.organization, email_enabled=False, webhook_enabled=True, webhook_url=receiver.url
        )
        results = race(
            [lambda: alerts_webhook_post(organization_id=str(project.organization_id), alert_ids=[str(alert.pk)])]
            * RACERS
        )

    assert sorted(results) == [False] * (RACERS - 1) + [True]
    assert len(receiver.received) == 1
