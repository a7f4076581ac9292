from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from organizations import selectors
from organizations.api.base import TenantAPIView, in_body, in_query, in_url
from organizations.api.serializers import (
    ApiKeyCreatedSerializer,
    ApiKeyInputSerializer,
    ApiKeyOutputSerializer,
    ApiKeyRevokeQuerySerializer,
)
from organizations.exceptions import ExpiryInPast
from organizations.roles import Action
from organizations.services import api_keys

TAGS = ["api-keys"]


class ApiKeyListCreateView(TenantAPIView, generics.ListAPIView):
    domain_errors = {"POST": (ExpiryInPast,)}
    required_actions = {"GET": Action.API_KEYS_MANAGE, "POST": Action.API_KEYS_MANAGE}
    organization_from = {"GET": in_query("org_id"), "POST": in_body("organization_id")}
    serializer_class = ApiKeyOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        return selectors.api_key_list(actor=self.request.user).filter(organization__in=self.allowed_organizations())

    @extend_schema(
        summary="API keys of the organizations you administer",
        parameters=[OpenApiParameter("org_id", UUID, description="Only this organization's keys.")],
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        summary="Create an API key (the secret is shown once)",
        request=ApiKeyInputSerializer,
        responses={201: ApiKeyCreatedSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = ApiKeyInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data.pop("organization_id")  # the door found and checked it: self.organization
        created, raw_key = api_keys.api_key_create(actor=request.user, organization=self.organization, **data)
        # Read back like every listed key, so the answer has the same fields (its creator among them).
        api_key = selectors.api_key_get(actor=request.user, api_key_id=created.pk)
        body = {**ApiKeyOutputSerializer(api_key).data, "key": raw_key}
        return Response(body, status=status.HTTP_201_CREATED)


class ApiKeyDetailView(TenantAPIView):
    extra_error_statuses = (422,)  # a malformed ?all_by_creator=
    required_actions = {"DELETE": Action.API_KEYS_MANAGE}
    organization_from = in_url("api_key_id", via=selectors.api_key_get)

    @extend_schema(
        summary="Revoke an API key",
        parameters=[ApiKeyRevokeQuerySerializer],
        responses={204: None},
        tags=TAGS,
    )
    def delete(self, request: Request, api_key_id: UUID) -> Response:
        given = ApiKeyRevokeQuerySerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        api_key = self.tenant_object
        if given.validated_data["all_by_creator"] and api_key.created_by_id is not None:
            api_keys.api_keys_revoke_created_by(
                actor=request.user,
                organization=api_key.organization,
                created_by_id=api_key.created_by_id,
            )
        else:
            api_keys.api_key_revoke(actor=request.user, api_key=api_key)
        return Response(status=status.HTTP_204_NO_CONTENT)
