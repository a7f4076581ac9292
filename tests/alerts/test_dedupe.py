"""One open alert per fingerprint and organization, held by the database under concurrency."""

import pytest
from django.db import IntegrityError, transaction

from alerts.models import Alert
from alerts.services import alerts_raise_for_scan
from tests.alerts.factories import AlertFactory
from tests.projects.factories import ProjectFactory
from tests.races import race
from tests.scans.factories import FindingFactory, ScanFactory


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_alert_for_a_fingerprint():
    alert = AlertFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        AlertFactory(organization=alert.organization, project=alert.project, fingerprint=alert.fingerprint)


@pytest.mark.django_db
def test_alerts_without_a_fingerprint_are_never_deduplicated():
    alert = AlertFactory(fingerprint="")

    AlertFactory(organization=alert.organization, project=alert.project, fingerprint="")

    assert Alert.objects.filter(organization=alert.organization).count() == 2


def test_racing_scans_that_found_the_same_secret_raise_one_alert(transactional_db):
    organization = ProjectFactory().organization
    scans = []
    for _ in range(4):
        # Two projects of one organization: one secret, one open alert for the organization.
        scan = ScanFactory(project=ProjectFactory(organization=organization))
        FindingFactory(scan=scan, fingerprint="d" * 32, severity="critical")
        scans.append(scan)

    results = race([lambda scan=scan: alerts_raise_for_scan(scan=scan) for scan in scans])

    assert not [result for result in results if isinstance(result, BaseException)], results
    assert sorted(len(raised) for raised in results) == [0, 0, 0, 1]
    assert Alert.objects.in_organization(organization).filter(fingerprint="d" * 32).count() == 1
