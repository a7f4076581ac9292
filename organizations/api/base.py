"""The one door to organization-owned objects in the API: it finds the organization a request names,
and asks the role table before any handler runs. It fails closed: a method with no declared action is
refused, an organization the actor cannot see is a 404, and a subclass cannot step around it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal
from uuid import UUID

from django.db.models import Model, QuerySet
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.serializers import Serializer

from config.api.permissions import IsUser, IsUserOrApiKey
from core.exceptions import OrganizationRequired, ValidationFailed
from organizations import selectors
from organizations.access import actor_can, organizations_allowing
from organizations.models import Organization
from organizations.roles import Action

HANDLERS = ("get", "post", "put", "patch", "delete")
# The door's own machinery: a subclass that replaced one of these could let a request through unasked.
_SEALED = ("initial", "dispatch", "check_permissions", "check_object_permissions", "authorize")


@dataclass(frozen=True)
class TenantSource:
    """Where a route names its organization: a URL parameter, a body field or a query parameter, holding
    the organization's id or, with `via`, the id of an object of the organization (found through its
    `visible_to` selector, so an outsider gets a 404 either way). An optional query parameter that is
    absent names none: the list then spans every organization where the action is allowed."""

    where: Literal["url", "body", "query", "none"]
    name: str
    via: Callable[..., Model] | None = None
    required: bool = True
    # A body field a client may leave out when the actor can only mean one organization (seed clients
    # that predate organizations): the key's own, or the one organization where the person may act.
    sole_default: bool = False
    # A body field naming one of the organization's objects, read when the organization's own id is
    # absent (`chat_id` in a completion): the object is found through its `visible_to` selector.
    or_through: tuple[str, Callable[..., Model]] | None = None


# A list of "yours" that names no organization: it spans every one where the action is allowed.
ACROSS_ORGANIZATIONS = TenantSource("none", "", required=False)


def in_url(name: str, *, via: Callable[..., Model] | None = None) -> TenantSource:
    return TenantSource("url", name, via)


def in_body(
    name: str,
    *,
    via: Callable[..., Model] | None = None,
    sole_default: bool = False,
    or_through: tuple[str, Callable[..., Model]] | None = None,
) -> TenantSource:
    return TenantSource("body", name, via, sole_default=sole_default, or_through=or_through)


def in_query(name: str, *, via: Callable[..., Model] | None = None) -> TenantSource:
    return TenantSource("query", name, via, required=False)


class RoleAllows(BasePermission):
    """The role table's answer for the view's action in the object's organization."""

    message = "Your role in this organization does not allow this."

    def has_object_permission(self, request: Request, view: Any, obj: Organization) -> bool:
        return actor_can(actor=request.user, organization=obj, action=view.action_for(request.method))


def _uuid(source: TenantSource, value: Any) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise ValidationFailed(errors={source.name: ["Must be a valid UUID."]}) from None


class TenantAPIView(GenericAPIView):
    """Base of every endpoint on organization-owned objects.

    A subclass declares `required_actions` (HTTP method -> role-table action) and `organization_from`
    (one `TenantSource`, or one per method). Before the handler runs, the door resolves the source to
    `self.organization` (and `self.tenant_object` when it came through an object), then checks the
    action: 404 for what the actor cannot see, 403 for what their role or key's scopes do not allow.
    A list across organizations filters with `allowed_organizations()`, so it shows exactly what the
    detail would. `person_only_methods` act in no organization yet (creating one) and need a person.
    The tenant-isolation tests read these declarations.
    """

    permission_classes = [IsUserOrApiKey, RoleAllows]
    required_actions: ClassVar[dict[str, Action]] = {}
    organization_from: ClassVar[TenantSource | dict[str, TenantSource]]
    person_only_methods: ClassVar[frozenset[str]] = frozenset()

    organization: Organization | None = None
    tenant_object: Model | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Anything between the subclass and the door in the MRO counts, mixins included.
        between = cls.__mro__[: cls.__mro__.index(TenantAPIView)]
        bypassing = sorted({name for klass in between for name in _SEALED if name in klass.__dict__})
        if bypassing:
            names = ", ".join(bypassing)
            raise TypeError(f"{cls.__name__} overrides {names}: a tenant view may not step around the door.")
        for handler in HANDLERS:
            method = handler.upper()
            declared = method in cls.required_actions or method in cls.person_only_methods
            if handler in cls.__dict__ and not declared:
                raise TypeError(f"{cls.__name__}.{handler} has no action: declare it in required_actions.")
            if method in cls.required_actions and cls.source_for(method) is None:
                raise TypeError(f"{cls.__name__} does not say where {method} names its organization.")

    @classmethod
    def source_for(cls, method: str) -> TenantSource | None:
        source = getattr(cls, "organization_from", None)
        return source.get(method) if isinstance(source, dict) else source

    def action_for(self, method: str) -> Action:
        return self.required_actions[method]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        method = request.method
        if method in self.person_only_methods:
            if not IsUser().has_permission(request, self):
                self.permission_denied(request, message="Only a person can do this.")
            return
        if method not in self.required_actions:
            raise MethodNotAllowed(method)  # nothing declared: refused rather than let through
        source = self.source_for(method)
        raw = self._raw_id(source, request)
        if raw is None:
            return  # an optional filter left out: the list narrows to allowed_organizations()
        self.organization = self._organization_of(source, _uuid(source, raw))
        self.authorize(self.organization)

    def _raw_id(self, source: TenantSource, request: Request) -> Any:
        if source.where == "none":
            return None
        if source.where == "url":
            return self.kwargs[source.name]
        if source.where == "query":
            return request.query_params.get(source.name)
        value = request.data.get(source.name) if isinstance(request.data, dict) else None
        if value is None and source.or_through is not None:
            value = self._organization_id_through(source.or_through, request)
        if value is None and source.sole_default:
            value = self._sole_organization_id(source, request)
            if value is None:
                raise OrganizationRequired(errors={source.name: ["You belong to no organization: create one."]})
        if value is None:
            raise ValidationFailed(errors={source.name: ["This field is required."]})
        return value

    def _organization_id_through(self, through: tuple[str, Callable[..., Model]], request: Request) -> Any:
        name, via = through
        raw = request.data.get(name) if isinstance(request.data, dict) else None
        if raw is None:
            return None
        self.tenant_object = via(actor=request.user, **{name: _uuid(TenantSource("body", name), raw)})
        return self.tenant_object.organization_id

    def _sole_organization_id(self, source: TenantSource, request: Request) -> Any:
        if getattr(request.user, "is_api_key", False):
            return request.user.organization_id  # a key belongs to one organization: no need to look
        # Where the action is allowed first; failing that, the only organization the actor belongs to,
        # so that a viewer is told 403 rather than asked for an id.
        allowed = organizations_allowing(actor=request.user, action=self.action_for(request.method))
        for candidates in (allowed, Organization.objects.visible_to(request.user)):
            ids = list(candidates.values_list("pk", flat=True)[:2])
            if len(ids) > 1:
                raise OrganizationRequired(errors={source.name: ["You belong to several organizations: name one."]})
            if ids:
                return ids[0]
        return None

    def _organization_of(self, source: TenantSource, object_id: UUID) -> Organization:
        actor = self.request.user
        if source.via is None:
            return selectors.organization_get(actor=actor, organization_id=object_id)
        self.tenant_object = source.via(actor=actor, **{source.name: object_id})
        return self.tenant_object.organization

    def authorize(self, organization: Organization) -> None:
        self.check_object_permissions(self.request, organization)

    def allowed_organizations(self) -> QuerySet[Organization]:
        """The organizations in which this method's action is allowed: the filter of a list across them."""
        if self.organization is not None:
            return Organization.objects.in_organization(self.organization)
        return organizations_allowing(actor=self.request.user, action=self.action_for(self.request.method))

    def narrowed(self, queryset: QuerySet, *, organization_path: str) -> QuerySet:
        """A list cut to the organizations this method is allowed in and, when the query named one of
        their objects (`project_id`), to that object's rows."""
        queryset = queryset.filter(**{f"{organization_path}__in": self.allowed_organizations()})
        if self.tenant_object is None:
            return queryset
        field = self.source_for(self.request.method).name.removesuffix("_id")
        return queryset.filter(**{field: self.tenant_object})

    def query(self, serializer_class: type[Serializer]) -> dict[str, Any]:
        """The query string as `serializer_class` checks it. It is read as a plain dict because DRF takes
        a blank form value for an absent one, and `?status=` is a mistake to point out, not a filter to
        drop (repeated parameters never get this far: ApiQueryMiddleware refuses them)."""
        given = serializer_class(data=self.request.query_params.dict())
        given.is_valid(raise_exception=True)
        return given.validated_data
