"""Who is acting: a signed-in user, or an organization's API key standing in for one."""

from dataclasses import dataclass, field

from organizations.models import ApiKey


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
