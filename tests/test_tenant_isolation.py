"""The tenant-isolation matrix, generated from the URL configuration rather than listed by hand.

For every API route that takes an object id (a `…_id` parameter): someone outside the organization gets 404 for every
method (never 403: no hint the object exists), an API key of another organization gets 404 too,
and each role and each API-key scope gets exactly what the role table (`organizations.roles.ROLE_ACTIONS`,
`SCOPE_ACTIONS`) says. Every list across organizations shows an organization's object exactly when
the same table allows its `GET`, so a list never shows what the detail refuses. A new route with an
id parameter nobody taught this file, a new list it cannot fill, or a tenant view without
`required_actions` for one of its methods, fails here until it is covered.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import TOTPDevice
from accounts.services.tokens import token_pair_issue
from alerts.models import NotificationSettings
from config.compat.base import SeedAlias
from organizations.api.base import TenantAPIView
from organizations.models import Membership
from organizations.roles import Role, Scope, role_allows, scopes_allow
from scans.models import Scan
from tests.accounts.mfa import enrolled_user
from tests.alerts.factories import AlertFactory
from tests.chats.factories import ChatFactory, MessageFactory, SystemPromptFactory
from tests.chats.knowledge_factories import ChunkFactory, MemoryFactory
from tests.organizations.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    api_key_with_secret,
)
from tests.projects.factories import ProjectFactory
from tests.scans.factories import FindingFactory

METHODS = ["get", "put", "patch", "delete", "post"]
# A body each write accepts, so an allowed role reaches the action rather than a validation error.
BODIES = {
    "chat-detail": {"title": "Renamed"},
    "system-prompt-detail": {"name": "Renamed", "content": "Be brief."},
    "guardrail-policy": {"pii": {"action": "warn", "threshold": 50}},
    "membership-detail": {"role": "viewer"},
    "organization-detail": {"name": "Renamed"},
    "alert-detail": {"is_read": True},
    "notification-settings": {"email_enabled": False},
    "memory-detail": {"content": "Changed"},
    "collection-detail": {"name": "Renamed"},
}


@dataclass
class World:
    """One organization with one of everything, and a bystander member to act on."""

    organization: object
    bystander: Membership
    project: object
    invitation: object
    api_key: object
    device: TOTPDevice
    finding: object
    alert: object
    chat: object
    message: object
    system_prompt: object
    memory: object  # the bystander's own
    chunk: object

    @property
    def document(self) -> object:
        return self.chunk.document

    @property
    def collection(self) -> object:
        return self.chunk.collection

    @property
    def scan(self) -> object:
        return self.finding.scan


def _world() -> World:
    organization = OrganizationFactory()
    MembershipFactory(organization=organization, role=Role.OWNER)
    bystander = MembershipFactory(organization=organization, role=Role.MEMBER)
    enrolled = enrolled_user()
    MembershipFactory(organization=organization, user=enrolled.user, role=Role.MEMBER)
    project = ProjectFactory(organization=organization)
    return World(
        organization=organization,
        bystander=bystander,
        project=project,
        invitation=InvitationFactory(organization=organization),
        api_key=api_key_with_secret(organization=organization)[0],
        device=enrolled.device,
        finding=FindingFactory(scan__project=project),
        alert=AlertFactory(scan__project=project),
        chat=(chat := ChatFactory(organization=organization, user=bystander.user)),
        message=MessageFactory(chat=chat),
        system_prompt=SystemPromptFactory(organization=organization),
        memory=MemoryFactory(organization=organization, user=bystander.user),
        chunk=ChunkFactory(document__collection__organization=organization),
    )


# How to find, in a World, the object each URL parameter names. Teach this file every new one.
PARAMETERS: dict[str, Callable[[World], object]] = {
    "organization_id": lambda world: world.organization.pk,
    "membership_id": lambda world: world.bystander.pk,
    "project_id": lambda world: world.project.pk,
    "invitation_id": lambda world: world.invitation.pk,
    "api_key_id": lambda world: world.api_key.pk,
    "device_id": lambda world: world.device.pk,
    "scan_id": lambda world: world.scan.pk,
    "alert_id": lambda world: world.alert.pk,
    "chat_id": lambda world: world.chat.pk,
    "system_prompt_id": lambda world: world.system_prompt.pk,
    "memory_id": lambda world: world.memory.pk,
    "collection_id": lambda world: world.collection.pk,
    "document_id": lambda world: world.document.pk,
}
# Other path values, which name no object on their own (the organization comes from the body).
PATH_VALUES: dict[str, Callable[[World], object]] = {
    "fingerprint": lambda world: world.finding.fingerprint,
}
# Parameters of objects owned by one user rather than an organization: no role applies.
USER_OWNED = {"device_id", "chat_id", "memory_id"}
# Of those, the ones kept inside an organization (a chat, a memory): its other members get 404 as
# outsiders do.
PRIVATE_IN_ORGANIZATION = {"chat_id", "memory_id"}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    view: type
    parameters: tuple[str, ...]

    def url(self, world: World) -> str:
        path = "/" + self.pattern
        for parameter in self.parameters:
            path = path.replace(f"<uuid:{parameter}>", str(PARAMETERS[parameter](world)))
            path = path.replace(f"<str:{parameter}>", str(PARAMETERS[parameter](world)))
        for name, value in PATH_VALUES.items():
            path = path.replace(f"<str:{name}>", str(value(world)))
        return path

    def methods(self) -> list[str]:
        # An alias answers only its seed's methods, though it inherits the canonical view's handlers.
        return [method for method in METHODS if hasattr(self.view, method) and method in self.view.http_method_names]


def _walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def api_routes(*, with_ids: bool) -> list[Route]:
    routes = []
    for pattern, entry in _walk(get_resolver().url_patterns):
        view = getattr(entry.callback, "view_class", None)
        object_ids = tuple(name for name in entry.pattern.converters if name.endswith("_id"))
        if pattern.startswith("api/v1/") and view is not None and bool(object_ids) == with_ids:
            routes.append(Route(entry.name, pattern, view, object_ids))
    return routes


ROUTES = api_routes(with_ids=True)
# Lists across organizations: the tenant views among the routes without an id that answer GET (the
# others create something in the organization their body names).
LISTS = [
    route for route in api_routes(with_ids=False) if issubclass(route.view, TenantAPIView) and "get" in route.methods()
]
# What each of them lists of a World. Teach this file every new one.
LISTED: dict[str, Callable[[World], object]] = {
    "organization-list": lambda world: world.organization.pk,
    "project-list": lambda world: world.project.pk,
    "api-key-list": lambda world: world.api_key.pk,
    "scan-list": lambda world: world.scan.pk,
    "alert-list": lambda world: world.alert.pk,
    "system-prompt-list": lambda world: world.system_prompt.pk,
    "collection-list": lambda world: world.collection.pk,
    "document-list": lambda world: world.document.pk,
}
# Lists of what one person owns: nobody else, in the organization or not, ever sees the World's row.
OWN_LISTED: dict[str, Callable[[World], object]] = {
    "chat-list": lambda world: world.chat.pk,
    "seed002-chat-history": lambda world: world.message.pk,
    "memory-list": lambda world: world.memory.pk,
}
# GETs without an id that list no organization's objects, and why.
NOT_LISTS = {
    "model-list": "the deployment's model registry, as the organization may use it",
    "seed002-llm-models": "the same, at seed 002's path",
}
CASES = [(route, method) for route in ROUTES for method in route.methods()]
TENANT_CASES = [(route, method) for route, method in CASES if not set(route.parameters) & USER_OWNED]


def _client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=user).access_token}")
    return client


def _call(client: APIClient, route: Route, method: str, world: World):
    body = {} if method == "get" else BODIES.get(route.name, {})  # a GET's data would be its query string
    return getattr(client, method)(route.url(world), body, format="json")


def test_every_id_parameter_of_the_api_is_known_here():
    unknown = {parameter for route in ROUTES for parameter in route.parameters} - set(PARAMETERS)

    assert not unknown, f"Teach tests/test_tenant_isolation.py how to build objects for: {unknown}"
    assert len(ROUTES) >= 7


def test_every_tenant_view_declares_the_action_each_method_needs():
    undeclared = [
        (route.name, method)
        for route, method in TENANT_CASES
        if not issubclass(route.view, TenantAPIView) or method.upper() not in route.view.required_actions
    ]
    lists_undeclared = [route.name for route in LISTS if "GET" not in route.view.required_actions]

    assert not undeclared
    assert not lists_undeclared


def test_every_list_across_organizations_is_known_here():
    assert {route.name for route in LISTS} == set(LISTED) | set(OWN_LISTED) | set(NOT_LISTS)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method"), CASES, ids=[f"{r.name}-{m}" for r, m in CASES])
def test_an_outsider_gets_404_and_changes_nothing(route, method):
    world = _world()
    outsider = MembershipFactory(role=Role.OWNER)  # an owner, but of another organization

    response = _call(_client_for(outsider.user), route, method, world)

    assert response.status_code == 404, response.content
    assert response.json()["error_code"] == "RESOURCE_NOT_FOUND"
    assert Membership.objects.filter(pk=world.bystander.pk, role=Role.MEMBER).exists()
    world.organization.refresh_from_db()
    assert world.organization.name != "Renamed"
    world.alert.refresh_from_db()
    assert not world.alert.is_read
    assert not NotificationSettings.objects.filter(organization=world.organization).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method"), TENANT_CASES, ids=[f"{r.name}-{m}" for r, m in TENANT_CASES])
def test_another_organizations_api_key_gets_404(route, method):
    world = _world()
    _, raw_key = api_key_with_secret(scopes=("read", "scans:write", "chat"))

    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw_key)
    response = _call(client, route, method, world)

    assert response.status_code == 404, response.content


def _assert_answer_matches_table(response: Response, *, allowed: bool) -> None:
    """Allowed: anything but a refusal. Refused: 403 `INSUFFICIENT_PERMISSIONS`, never a 404 that would
    hide a member's own organization from them."""
    if allowed:
        assert response.status_code not in (403, 404), response.content
    else:
        assert response.status_code == 403, response.content
        assert response.json()["error_code"] == "INSUFFICIENT_PERMISSIONS"


ROLE_CASES = [(route, method, role) for route, method in TENANT_CASES for role in Role.values]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "method", "role"), ROLE_CASES, ids=[f"{r.name}-{m}-{role}" for r, m, role in ROLE_CASES]
)
def test_each_role_gets_exactly_what_the_role_table_says(route, method, role):
    world = _world()
    actor = MembershipFactory(organization=world.organization, role=role)
    action = route.view.required_actions[method.upper()]

    response = _call(_client_for(actor.user), route, method, world)

    _assert_answer_matches_table(response, allowed=role_allows(role, action))


def _key_client(world: World, scope: str) -> APIClient:
    _, raw_key = api_key_with_secret(organization=world.organization, scopes=(scope,))
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw_key)
    return client


SCOPE_CASES = [(route, method, scope) for route, method in TENANT_CASES for scope in Scope.values]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "method", "scope"), SCOPE_CASES, ids=[f"{r.name}-{m}-{scope}" for r, m, scope in SCOPE_CASES]
)
def test_each_api_key_scope_gets_exactly_what_the_scope_table_says(route, method, scope):
    world = _world()
    action = route.view.required_actions[method.upper()]

    response = _call(_key_client(world, scope), route, method, world)

    _assert_answer_matches_table(response, allowed=scopes_allow([scope], action))


LIST_ACTORS = [("role", role) for role in Role.values] + [("scope", scope) for scope in Scope.values]
LIST_CASES = [(route, kind, name) for route in LISTS if route.name in LISTED for kind, name in LIST_ACTORS]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "kind", "name"), LIST_CASES, ids=[f"{r.name}-{kind}-{name}" for r, kind, name in LIST_CASES]
)
def test_a_list_shows_an_organizations_object_exactly_when_the_table_allows_reading_it(route, kind, name):
    world = _world()
    action = route.view.required_actions["GET"]
    if kind == "role":
        allowed = role_allows(name, action)
        client = _client_for(MembershipFactory(organization=world.organization, role=name).user)
    else:
        allowed = scopes_allow([name], action)
        client = _key_client(world, name)

    response = client.get(route.url(world))

    assert response.status_code == 200, response.content
    listed = {item["id"] for item in response.json()["items"]}
    assert (str(LISTED[route.name](world)) in listed) == allowed, (kind, name, action)


# Every other API route acts on the caller's own account, or on no tenant at all. A new route must be
# a TenantAPIView that says where it names its organization, or be added here on purpose.
ACCOUNT_ROUTES = {
    "auth-register", "auth-login", "auth-login-mfa", "auth-login-mfa-send-code", "auth-refresh", "auth-logout",
    "auth-me", "auth-csrf-token", "auth-password-reset", "auth-reset-password", "auth-change-password",
    "auth-mfa-enroll", "auth-mfa-confirm", "auth-mfa-devices", "auth-mfa-device-detail", "auth-recovery-codes",
    "auth-security-events", "auth-webauthn-register-begin", "auth-webauthn-register-complete",
    "auth-webauthn-authenticate-begin", "auth-webauthn-authenticate-complete", "auth-sso-login",
    "auth-sso-complete", "invitation-accept", "health-v1",
}  # fmt: skip

# Ids a route reads from a body or a query string, and where a World keeps the object each names.
FIELDS: dict[str, Callable[[World], object]] = {
    "organization_id": lambda world: world.organization.pk,
    "org_id": lambda world: world.organization.pk,
    "project_id": lambda world: world.project.pk,
    "collection_id": lambda world: world.collection.pk,
}
# The rest of a body that each such write accepts, so an allowed caller gets past validation.
FIELD_BODIES = {
    "project-list": {"name": "Named elsewhere"},
    "api-key-list": {"name": "Named elsewhere", "scopes": ["read"]},
    "scan-code": {"code": "x = 1\n", "filename": "main.py"},
    "scan-prompt": {"prompt": "Summarise this article."},
    "scan-pii": {"content": "Nothing personal here."},
    "finding-triage": {"status": "false_positive", "reason": "test data"},
    "model-generate": {"prompt": "Say hello."},
    "chat-list": {"title": "Named elsewhere"},
    "chat-completions": {"messages": [{"role": "user", "content": "Say hello."}]},
    "seed002-chat-send": {"message": "Say hello."},
    "seed002-chat-stream": {"message": "Say hello."},
    "seed002-llm-chat": {"messages": [{"role": "user", "content": "Say hello."}]},
    "system-prompt-list": {"name": "Named elsewhere", "content": "Be brief."},
    "memory-list": {"content": "Named elsewhere"},
    "memory-search": {"query": "Named elsewhere"},
    "collection-list": {"name": "Named elsewhere"},
    "document-list": {"title": "Named elsewhere", "content": "Named elsewhere"},
    "search": {"question": "Named elsewhere"},
}


def _all_api_routes() -> list[Route]:
    return api_routes(with_ids=True) + api_routes(with_ids=False)


def _canonical(view: type) -> type:
    """The view a seed's alias stands for (config/compat), or the view itself."""
    return next(base for base in view.__mro__ if not issubclass(base, SeedAlias))


def test_every_api_route_is_a_tenant_view_or_an_account_route_on_purpose():
    account_views = {route.view for route in _all_api_routes() if route.name in ACCOUNT_ROUTES}
    undeclared = sorted(
        route.name
        for route in _all_api_routes()
        if not issubclass(route.view, TenantAPIView) and _canonical(route.view) not in account_views
    )

    assert not undeclared, f"Make these TenantAPIViews, or list them in ACCOUNT_ROUTES on purpose: {undeclared}"
    assert {route.name for route in _all_api_routes()} >= ACCOUNT_ROUTES, "ACCOUNT_ROUTES names a route that is gone"


FIELD_CASES = [
    (route, method, route.view.source_for(method.upper()))
    for route in api_routes(with_ids=False)
    if issubclass(route.view, TenantAPIView)
    for method in route.methods()
    if method.upper() in route.view.required_actions
    and route.view.source_for(method.upper()).where in ("body", "query")
]


def test_every_id_field_of_the_api_is_known_here():
    unknown = {source.name for _, _, source in FIELD_CASES} - set(FIELDS)

    assert not unknown, f"Teach tests/test_tenant_isolation.py which object these fields name: {unknown}"
    assert {source.where for _, _, source in FIELD_CASES} == {"body", "query"}


def _call_naming(client: APIClient, route: Route, method: str, source: object, world: World, **extra: str):
    value = str(FIELDS[source.name](world))
    if source.where == "query":  # in the URL whatever the method: a DELETE's data would be its body
        return getattr(client, method)(f"{route.url(world)}?{urlencode({source.name: value})}", **extra)
    body = {**FIELD_BODIES.get(route.name, {}), source.name: value}
    return getattr(client, method)(route.url(world), body, format="json", **extra)


def _scans_and_triages(world: World) -> tuple[int, ...]:
    organization = world.organization
    knowledge = (organization.memories.count(), organization.collections.count(), organization.documents.count())
    return Scan.objects.in_organization(organization).count(), organization.triages.count(), *knowledge


FIELD_IDS = [f"{r.name}-{m}-{s.where}-{s.name}" for r, m, s in FIELD_CASES]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "source"), FIELD_CASES, ids=FIELD_IDS)
def test_another_organizations_id_in_a_body_or_query_gets_404(route, method, source):
    world = _world()
    outsider = MembershipFactory(role=Role.OWNER)
    _, foreign_key = api_key_with_secret(scopes=("read", "scans:write", "chat"))
    before = (world.organization.projects.count(), world.organization.api_keys.count(), _scans_and_triages(world))

    by_person = _call_naming(_client_for(outsider.user), route, method, source, world)
    by_key = _call_naming(APIClient(), route, method, source, world, HTTP_X_API_KEY=foreign_key)

    assert (by_person.status_code, by_key.status_code) == (404, 404), (by_person.content, by_key.content)
    assert by_person.json()["error_code"] == "RESOURCE_NOT_FOUND"
    assert (
        world.organization.projects.count(),
        world.organization.api_keys.count(),
        _scans_and_triages(world),
    ) == before


FIELD_ROLE_CASES = [(route, method, source, role) for route, method, source in FIELD_CASES for role in Role.values]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "method", "source", "role"),
    FIELD_ROLE_CASES,
    ids=[f"{r.name}-{m}-{s.where}-{s.name}-{role}" for r, m, s, role in FIELD_ROLE_CASES],
)
def test_an_id_in_a_body_or_query_gets_exactly_what_the_role_table_says(route, method, source, role):
    world = _world()
    actor = MembershipFactory(organization=world.organization, role=role)

    response = _call_naming(_client_for(actor.user), route, method, source, world)

    _assert_answer_matches_table(response, allowed=role_allows(role, route.view.required_actions[method.upper()]))


def test_the_matrix_counts_its_body_and_query_cases():
    wheres = [source.where for _, _, source in FIELD_CASES]

    assert wheres.count("body") >= 2
    assert wheres.count("query") >= 2


PRIVATE_CASES = [(route, method) for route, method in CASES if set(route.parameters) & PRIVATE_IN_ORGANIZATION]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method"), PRIVATE_CASES, ids=[f"{r.name}-{m}" for r, m in PRIVATE_CASES])
def test_a_colleague_gets_404_for_what_one_person_owns_and_changes_nothing(route, method):
    world = _world()
    colleague = MembershipFactory(organization=world.organization, role=Role.OWNER)  # even the owner

    response = _call(_client_for(colleague.user), route, method, world)

    assert response.status_code == 404, response.content
    world.chat.refresh_from_db()
    world.memory.refresh_from_db()
    assert world.chat.title != "Renamed"
    assert world.memory.content != "Changed"


OWN_LIST_CASES = [(route, kind, name) for route in LISTS if route.name in OWN_LISTED for kind, name in LIST_ACTORS]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "kind", "name"), OWN_LIST_CASES, ids=[f"{r.name}-{kind}-{name}" for r, kind, name in OWN_LIST_CASES]
)
def test_a_list_of_ones_own_never_shows_another_persons_object(route, kind, name):
    world = _world()
    client = (
        _client_for(MembershipFactory(organization=world.organization, role=name).user)
        if kind == "role"
        else _key_client(world, name)
    )

    response = client.get(route.url(world))

    assert response.status_code == 200, response.content
    assert str(OWN_LISTED[route.name](world)) not in {item["id"] for item in response.json()["items"]}
    owner = _client_for(world.chat.user).get(route.url(world))
    assert str(OWN_LISTED[route.name](world)) in {item["id"] for item in owner.json()["items"]}


# Bodies that may name the organization through one of its objects instead (`chat_id` in a completion).
THROUGH_FIELDS: dict[str, Callable[[World], object]] = {"chat_id": lambda world: world.chat.pk}
THROUGH_CASES = [
    (route, method, source.or_through[0])
    for route in api_routes(with_ids=False)
    if issubclass(route.view, TenantAPIView)
    for method in route.methods()
    if method.upper() in route.view.required_actions
    and (source := route.view.source_for(method.upper())).or_through is not None
]


def test_every_object_field_a_body_names_its_organization_through_is_known_here():
    assert {name for _, _, name in THROUGH_CASES} <= set(THROUGH_FIELDS)
    assert THROUGH_CASES


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "method", "name"), THROUGH_CASES, ids=[f"{r.name}-{m}-{n}" for r, m, n in THROUGH_CASES]
)
def test_another_persons_object_named_in_a_body_gets_404_and_changes_nothing(route, method, name):
    world = _world()
    outsider = MembershipFactory(role=Role.OWNER)
    colleague = MembershipFactory(organization=world.organization, role=Role.OWNER)
    body = {**FIELD_BODIES.get(route.name, {}), name: str(THROUGH_FIELDS[name](world))}

    for actor in (outsider, colleague):
        response = getattr(_client_for(actor.user), method)(route.url(world), body, format="json")

        assert response.status_code == 404, (actor.role, response.content)
    assert world.chat.messages.count() == 1  # the World's own message, nothing added
