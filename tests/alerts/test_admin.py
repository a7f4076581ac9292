import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.accounts.mfa import session_login
from tests.alerts.factories import AlertFactory, NotificationSettingsFactory


@pytest.fixture
def operator(client, db):
    session_login(client, UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_operators_read_alerts_and_settings_but_never_the_webhook_url(operator):
    alert = AlertFactory()
    chosen = NotificationSettingsFactory(webhook_url="https://hooks.slack.com/services/T1/B1/s3cr3tpath")

    alerts = operator.get(reverse("admin:alerts_alert_changelist"))
    settings_page = operator.get(reverse("admin:alerts_notificationsettings_change", args=[chosen.pk]))
    changing = operator.post(reverse("admin:alerts_alert_change", args=[alert.pk]), {"is_resolved": "on"})

    assert (alerts.status_code, settings_page.status_code) == (200, 200)
    assert alert.title in alerts.content.decode()
    assert "s3cr3tpath" not in settings_page.content.decode()
    assert changing.status_code == 403
    alert.refresh_from_db()
    assert not alert.is_resolved
