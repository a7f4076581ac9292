import factory
from factory.django import DjangoModelFactory

from scans.models import Finding, Scan, Triage
from tests.organizations.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory


class ScanFactory(DjangoModelFactory):
    class Meta:
        model = Scan

    project = factory.SubFactory(ProjectFactory)
    scan_type = Scan.ScanType.CODE
    status = Scan.Status.COMPLETED
    input_kind = Scan.InputKind.SNIPPET
    input_summary = factory.LazyFunction(lambda: {"path": "main.py", "bytes": 10, "lines": 1})
    ai_risk_score = 62
    risk_level = "high"
    high_count = 1


class FindingFactory(DjangoModelFactory):
    class Meta:
        model = Finding

    scan = factory.SubFactory(ScanFactory)
    rule_id = "github.pat-classic"
    category = "secret"
    severity = "high"
    confidence = "high"
    title = "GitHub personal access token"
    description = "A GitHub token grants its scopes."
    remediation = "Revoke the token."
    file_path = "main.py"
    line = 2
    column = 5
    snippet = 'TOKEN = "ghp_…(40 chars)"'
    fingerprint = factory.Sequence(lambda n: f"{n:032x}")


class TriageFactory(DjangoModelFactory):
    class Meta:
        model = Triage

    organization = factory.SubFactory(OrganizationFactory)
    fingerprint = factory.Sequence(lambda n: f"{n:032x}")
    status = Triage.Status.FALSE_POSITIVE
