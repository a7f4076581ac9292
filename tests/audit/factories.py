import factory
from factory.django import DjangoModelFactory

from audit.models import AuditEvent
from tests.accounts.factories import UserFactory


class AuditEventFactory(DjangoModelFactory):
    class Meta:
        model = AuditEvent

    user = factory.SubFactory(UserFactory)
    action = AuditEvent.Action.LOGIN_SUCCEEDED
    ip_address = "203.0.113.7"
