"""A scan submitted through the API raises its alerts when it completes, once."""

import pytest
from django.urls import reverse

from alerts.models import Alert
from scans.models import Finding
from tests.scans.conftest import LEAKY_CODE, PLANTED

pytestmark = pytest.mark.django_db


def test_a_code_scan_with_a_secret_raises_an_alert_without_the_secret(project, member_client):
    response = member_client.post(
        reverse("scan-code"), {"project_id": str(project.pk), "code": LEAKY_CODE, "filename": "app.py"}
    )

    assert response.status_code == 202, response.content
    alerts = list(Alert.objects.filter(scan_id=response.json()["id"]))
    secret = Finding.objects.get(scan_id=response.json()["id"], category="secret")
    assert secret.fingerprint in {alert.fingerprint for alert in alerts}
    assert all(PLANTED not in alert.title + alert.message for alert in alerts)


def test_scanning_the_same_code_again_raises_no_second_alert(project, member_client):
    body = {"project_id": str(project.pk), "code": LEAKY_CODE, "filename": "app.py"}
    member_client.post(reverse("scan-code"), body)
    before = Alert.objects.count()

    member_client.post(reverse("scan-code"), body)

    assert before >= 1
    assert Alert.objects.count() == before


def test_a_clean_snippet_raises_nothing(project, member_client):
    member_client.post(reverse("scan-code"), {"project_id": str(project.pk), "code": "x = 1\n", "filename": "a.py"})

    assert not Alert.objects.exists()
