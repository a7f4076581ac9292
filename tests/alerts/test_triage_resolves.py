"""Triaging a finding answers its open alert: the organization's alert with that fingerprint is resolved."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from alerts.models import Alert
from core.push import organization_alerts_group
from organizations.roles import Role
from scans.services.triage import finding_triage
from tests.alerts.factories import AlertFactory
from tests.scans.factories import FindingFactory

pytestmark = pytest.mark.django_db


def test_triaging_a_finding_resolves_the_open_alert_on_its_fingerprint_only(member_of, project):
    person = member_of(Role.MEMBER).user
    finding = FindingFactory(scan__project=project)
    alert = AlertFactory(scan=finding.scan, fingerprint=finding.fingerprint)
    other = AlertFactory(scan=finding.scan)
    elsewhere = AlertFactory(fingerprint=finding.fingerprint)  # another organization's, same secret

    finding_triage(actor=person, organization=project.organization, fingerprint=finding.fingerprint, status="fixed")

    alert.refresh_from_db()
    assert (alert.is_resolved, alert.resolved_by) == (True, person)
    assert alert.resolved_at is not None
    unchanged = Alert.objects.dangerously_unscoped().filter(pk__in=[other.pk, elsewhere.pk], is_resolved=False)
    assert unchanged.count() == 2


def test_triaging_again_leaves_a_resolved_alert_as_it_was(member_of, project):
    person = member_of(Role.MEMBER).user
    finding = FindingFactory(scan__project=project)
    alert = AlertFactory(scan=finding.scan, fingerprint=finding.fingerprint, is_resolved=True)

    finding_triage(actor=person, organization=project.organization, fingerprint=finding.fingerprint, status="fixed")

    alert.refresh_from_db()
    assert alert.resolved_by is None  # resolved before, not by this triage


def test_the_resolution_is_pushed_to_the_organizations_open_dashboards(
    member_of, project, django_capture_on_commit_callbacks
):
    person = member_of(Role.MEMBER).user
    finding = FindingFactory(scan__project=project)
    alert = AlertFactory(scan=finding.scan, fingerprint=finding.fingerprint)
    layer = get_channel_layer()
    listener = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(organization_alerts_group(project.organization_id), listener)

    with django_capture_on_commit_callbacks(execute=True):
        finding_triage(
            actor=person, organization=project.organization, fingerprint=finding.fingerprint, status="false_positive"
        )

    payload = async_to_sync(layer.receive)(listener)["payload"]
    assert payload["type"] == "alert.updated"
    assert [(pushed["id"], pushed["is_resolved"]) for pushed in payload["alerts"]] == [(str(alert.pk), True)]
    assert payload["unread_count"] == 0
