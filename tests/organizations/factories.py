import hashlib
import secrets

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from organizations.models import ApiKey, Invitation, Membership, Organization
from organizations.roles import Role
from tests.accounts.factories import UserFactory


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    country = "DE"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MEMBER
    digest = factory.Sequence(lambda n: hashlib.sha256(f"invitation-{n}".encode()).hexdigest())
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class ApiKeyFactory(DjangoModelFactory):
    class Meta:
        model = ApiKey

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"key {n}")
    prefix = "bsk_unknown"
    digest = factory.Sequence(lambda n: hashlib.sha256(f"key-{n}".encode()).hexdigest())
    scopes = factory.LazyFunction(lambda: ["read"])


def api_key_with_secret(*, scopes: tuple[str, ...] = ("read",), **fields: object) -> tuple[ApiKey, str]:
    """A key and the secret a client would send (the database keeps only its digest)."""
    raw = f"bsk_{secrets.token_urlsafe(32)}"
    api_key = ApiKeyFactory(
        prefix=raw[:12], digest=hashlib.sha256(raw.encode()).hexdigest(), scopes=list(scopes), **fields
    )
    return api_key, raw
