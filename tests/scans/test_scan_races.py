"""Scans finishing at the same moment, on real threads: the project's counters lose no completion, and
one scan delivered twice at once is stored and counted once."""

import pytest

from organizations.roles import Role
from projects.models import Project
from scans.inputs import ScanInput
from scans.models import Finding, Scan
from scans.services import scan_run, scan_start
from tests.organizations.factories import MembershipFactory
from tests.projects.factories import ProjectFactory
from tests.races import race
from tests.scans.conftest import LEAKY_CODE

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 8


def _snippet() -> ScanInput:
    return ScanInput(kind=Scan.InputKind.SNIPPET, text=LEAKY_CODE, path="main.py", language="python")


@pytest.fixture
def started():
    membership = MembershipFactory(role=Role.MEMBER)
    project = ProjectFactory(organization=membership.organization)

    def start() -> Scan:
        return scan_start(actor=membership.user, project=project, scan_type=Scan.ScanType.CODE, source=_snippet())

    return project, start


def test_scans_completing_at_once_are_all_counted(started):
    project, start = started
    scans = [start() for _ in range(RACERS)]

    results = race([lambda scan=scan: scan_run(scan=scan, source=_snippet()) for scan in scans])

    assert not [result for result in results if isinstance(result, BaseException)]
    project = Project.objects.get(pk=project.pk)
    completed = Scan.objects.filter(project=project, status=Scan.Status.COMPLETED)
    assert completed.count() == RACERS
    assert project.scan_count == RACERS
    latest = completed.order_by("-completed_at").first()
    assert (project.last_scan, project.last_risk_score) == (latest.completed_at, latest.ai_risk_score)


def test_one_scan_delivered_twice_at_once_is_stored_and_counted_once(started):
    project, start = started
    scan = start()

    results = race([lambda: scan_run(scan=Scan.objects.get(pk=scan.pk), source=_snippet()) for _ in range(2)])

    assert not [result for result in results if isinstance(result, BaseException)]
    alone = start()
    scan_run(scan=alone, source=_snippet())
    assert Finding.objects.filter(scan=scan).count() == Finding.objects.filter(scan=alone).count() > 0
    assert Project.objects.get(pk=project.pk).scan_count == 2  # the raced scan once, the lone one once
