import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from core.tenancy import ScopedQuerySet
from organizations.roles import Role, Scope

if TYPE_CHECKING:
    from accounts.models import User

SLUG_RULE = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$",
    "Use 3-50 lower-case letters, digits and hyphens, starting and ending with a letter or digit.",
)

# Blank is allowed by the field; the rule says so too, so that the schema it becomes admits it.
COUNTRY_RULE = RegexValidator(r"^(?:[A-Z]{2})?$", "Use an ISO 3166 alpha-2 code, e.g. DE.")


class OrganizationQuerySet(ScopedQuerySet):
    def visible_to(self, actor: "Actor") -> "OrganizationQuerySet":
        # Membership decides, or the key's own organization; an id sent by the client never does.
        if getattr(actor, "is_api_key", False):
            return self.filter(pk=actor.organization_id)
        if not getattr(actor, "is_authenticated", False):
            return self.none()
        # A subquery, not a join: a join would also narrow any later Count("memberships") to this one.
        return self.filter(pk__in=Membership.objects.held_by(actor).values("organization"))

    def in_organization(self, organization: "Organization | uuid.UUID | models.OuterRef") -> "OrganizationQuerySet":
        """The one organization the door already resolved (to lock it or read it again)."""
        return self.filter(pk=getattr(organization, "pk", organization))


class TenantQuerySet(ScopedQuerySet):
    """For models owned by an organization through an `organization` foreign key."""

    def visible_to(self, actor: "Actor") -> "TenantQuerySet":
        return self.filter(organization__in=Organization.objects.visible_to(actor).values("pk"))

    def in_organization(self, organization: "Organization | uuid.UUID | models.OuterRef") -> "TenantQuerySet":
        """The rows of an organization the caller already authorized through the door or the role table
        (an OuterRef in a subquery correlated with a scoped outer query)."""
        return self.filter(organization=organization)


class MembershipQuerySet(TenantQuerySet):
    def held_by(self, user: "User") -> "MembershipQuerySet":
        """A person's own memberships: what the role checks and `visible_to` itself start from."""
        return self.filter(user=user)


class SecretQuerySet(TenantQuerySet):
    """Invitations and API keys: holding the secret is what reaches the row, before any membership."""

    def by_digest(self, digest: str) -> "SecretQuerySet":
        return self.filter(digest=digest)


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.CharField(max_length=50, unique=True, validators=[SLUG_RULE])
    description = models.TextField(blank=True, max_length=2000)
    industry = models.CharField(max_length=80, blank=True)
    country = models.CharField(max_length=2, blank=True, validators=[COUNTRY_RULE])
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    Role = Role

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_per_org")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organization_id} as {self.role}"


class Invitation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SecretQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.organization_id}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "pending"


class ApiKey(models.Model):
    PREFIX = "bsk_"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The key's first characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SecretQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def clean(self) -> None:
        unknown = set(self.scopes) - set(Scope.values)
        if not self.scopes or unknown:
            raise ValidationError({"scopes": [f"Choose from {', '.join(Scope.values)}."]})


@dataclass(frozen=True)
class ApiKeyActor:
    """`request.user` for a request made with an API key: bound to one organization and its scopes."""

    api_key: ApiKey
    is_api_key: bool = field(default=True, init=False)
    is_authenticated: bool = field(default=True, init=False)
    is_anonymous: bool = field(default=False, init=False)
    is_active: bool = field(default=True, init=False)
    is_staff: bool = field(default=False, init=False)
    is_superuser: bool = field(default=False, init=False)
    pk: None = field(default=None, init=False)

    @property
    def organization_id(self) -> object:
        return self.api_key.organization_id

    @property
    def scopes(self) -> list[str]:
        return self.api_key.scopes

    def __str__(self) -> str:
        return f"API key {self.api_key.prefix}"


if TYPE_CHECKING:
    # Who is acting: a signed-in user, or an organization's API key standing in for one.
    Actor = User | ApiKeyActor
