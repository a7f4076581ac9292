import factory
from factory.django import DjangoModelFactory

from alerts.models import Alert, NotificationSettings
from tests.organizations.factories import OrganizationFactory
from tests.scans.factories import ScanFactory


class AlertFactory(DjangoModelFactory):
    class Meta:
        model = Alert

    scan = factory.SubFactory(ScanFactory)
    project = factory.SelfAttribute("scan.project")
    organization = factory.SelfAttribute("project.organization")
    fingerprint = factory.Sequence(lambda n: f"alert{n:027x}")
    kind = "secret"
    severity = "high"
    title = "Secret: GitHub personal access token"
    message = "GitHub personal access token (github.pat-classic) at main.py:2. Revoke the token."


class NotificationSettingsFactory(DjangoModelFactory):
    class Meta:
        model = NotificationSettings

    organization = factory.SubFactory(OrganizationFactory)
