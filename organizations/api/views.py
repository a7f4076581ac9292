from functools import cached_property
from uuid import UUID

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import AlreadyExists
from organizations import selectors
from organizations.api.base import ACROSS_ORGANIZATIONS, TenantAPIView, in_url
from organizations.api.serializers import (
    InvitationAcceptInputSerializer,
    InvitationInputSerializer,
    InvitationOutputSerializer,
    MembershipInputSerializer,
    MembershipOutputSerializer,
    MembershipRemoveQuerySerializer,
    OrganizationInputSerializer,
    OrganizationOutputSerializer,
)
from organizations.exceptions import AlreadyMember, ConfirmationMismatch, InvitationInvalid, LastOwnerError
from organizations.models import Membership
from organizations.roles import Action
from organizations.services import invitations, memberships, organizations

TAGS = ["organizations"]


class OrganizationListCreateView(TenantAPIView, generics.ListAPIView):
    domain_errors = {"POST": (AlreadyExists,)}
    required_actions = {"GET": Action.ORGANIZATION_VIEW}
    # A list of your organizations names none; creating one acts in none yet, so only a person may.
    organization_from = ACROSS_ORGANIZATIONS
    person_only_methods = frozenset({"POST"})
    serializer_class = OrganizationOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        allowed = self.allowed_organizations().values("pk")
        return selectors.organization_list(actor=self.request.user).filter(pk__in=allowed)

    @extend_schema(summary="Organizations you belong to", tags=TAGS)
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        summary="Create an organization (you become its owner)",
        request=OrganizationInputSerializer,
        responses={201: OrganizationOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = OrganizationInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        organization = organizations.organization_create(created_by=request.user, **given.validated_data)
        return Response(OrganizationOutputSerializer(organization).data, status=status.HTTP_201_CREATED)


class OrganizationDetailView(TenantAPIView):
    domain_errors = {"PUT": (AlreadyExists,), "PATCH": (AlreadyExists,), "DELETE": (ConfirmationMismatch,)}
    required_actions = {
        "GET": Action.ORGANIZATION_VIEW,
        "PUT": Action.ORGANIZATION_UPDATE,
        "PATCH": Action.ORGANIZATION_UPDATE,
        "DELETE": Action.ORGANIZATION_DELETE,
    }
    organization_from = in_url("organization_id")

    @extend_schema(summary="An organization", responses={200: OrganizationOutputSerializer}, tags=TAGS)
    def get(self, request: Request, organization_id: UUID) -> Response:
        return Response(OrganizationOutputSerializer(self.organization).data)

    @extend_schema(
        summary="Replace an organization's details",
        request=OrganizationInputSerializer,
        responses={200: OrganizationOutputSerializer},
        tags=TAGS,
    )
    def put(self, request: Request, organization_id: UUID) -> Response:
        return self._update(request, organization_id, partial=False)

    @extend_schema(
        summary="Change an organization's details",
        request=OrganizationInputSerializer(partial=True),
        responses={200: OrganizationOutputSerializer},
        tags=TAGS,
    )
    def patch(self, request: Request, organization_id: UUID) -> Response:
        return self._update(request, organization_id, partial=True)

    def _update(self, request: Request, organization_id: UUID, *, partial: bool) -> Response:
        given = OrganizationInputSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        organization = organizations.organization_update(
            actor=request.user, organization=self.organization, **given.validated_data
        )
        return Response(OrganizationOutputSerializer(organization).data)

    @extend_schema(
        summary="Delete an organization and everything it owns (owner only)",
        parameters=[OpenApiParameter("confirm", str, required=True, description="The organization's slug.")],
        responses={204: None},
        tags=TAGS,
    )
    def delete(self, request: Request, organization_id: UUID) -> Response:
        organizations.organization_delete(
            actor=request.user,
            organization=self.organization,
            confirm=request.query_params.get("confirm", ""),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MembershipListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": Action.MEMBERS_VIEW}
    organization_from = in_url("organization_id")
    serializer_class = MembershipOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        return selectors.membership_list(actor=self.request.user, organization=self.organization)

    @extend_schema(summary="Members of an organization", tags=TAGS)
    def get(self, request: Request, organization_id: UUID) -> Response:
        return super().get(request, organization_id)


class MembershipDetailView(TenantAPIView):
    required_actions = {"PATCH": Action.MEMBERS_MANAGE, "DELETE": Action.MEMBERS_MANAGE}
    domain_errors = {"PATCH": (LastOwnerError,), "DELETE": (LastOwnerError,)}

    organization_from = in_url("organization_id")

    @cached_property
    def membership(self) -> Membership:
        return selectors.membership_get(
            actor=self.request.user, organization=self.organization, membership_id=self.kwargs["membership_id"]
        )

    def action_for(self, method: str) -> Action:
        # Leaving is not removing someone: the role table's rule for either is the service's to tell.
        if method == "DELETE":
            return memberships.membership_removal_action(actor=self.request.user, membership=self.membership)
        return super().action_for(method)

    @extend_schema(
        summary="Change a member's role",
        request=MembershipInputSerializer,
        responses={200: MembershipOutputSerializer},
        tags=TAGS,
    )
    def patch(self, request: Request, organization_id: UUID, membership_id: UUID) -> Response:
        given = MembershipInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = memberships.membership_role_change(
            actor=request.user, membership=self.membership, role=given.validated_data["role"]
        )
        return Response(MembershipOutputSerializer(membership).data)

    @extend_schema(
        summary="Remove a member (or leave)",
        description="The API keys the member created stay working unless `revoke_api_keys=true`.",
        parameters=[MembershipRemoveQuerySerializer],
        responses={204: None},
        tags=TAGS,
    )
    def delete(self, request: Request, organization_id: UUID, membership_id: UUID) -> Response:
        given = MembershipRemoveQuerySerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        memberships.membership_remove(
            actor=request.user,
            membership=self.membership,
            revoke_api_keys=given.validated_data["revoke_api_keys"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListCreateView(TenantAPIView, generics.ListAPIView):
    domain_errors = {"POST": (AlreadyMember,)}
    required_actions = {"GET": Action.INVITATIONS_MANAGE, "POST": Action.INVITATIONS_MANAGE}
    organization_from = in_url("organization_id")
    serializer_class = InvitationOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        return selectors.invitation_list(actor=self.request.user, organization=self.organization)

    @extend_schema(summary="Invitations of an organization", tags=TAGS)
    def get(self, request: Request, organization_id: UUID) -> Response:
        return super().get(request, organization_id)

    @extend_schema(
        summary="Invite someone by email",
        description="Emails a single-use link, valid 7 days, that only the account with that address can accept.",
        request=InvitationInputSerializer,
        responses={201: InvitationOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request, organization_id: UUID) -> Response:
        given = InvitationInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        invitation = invitations.invitation_create(
            actor=request.user,
            organization=self.organization,
            link_for=lambda token: request.build_absolute_uri(reverse("invitation-accept-page", args=[token])),
            **given.validated_data,
        )
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(TenantAPIView):
    required_actions = {"DELETE": Action.INVITATIONS_MANAGE}
    organization_from = in_url("organization_id")

    @extend_schema(summary="Revoke an invitation", responses={204: None}, tags=TAGS)
    def delete(self, request: Request, organization_id: UUID, invitation_id: UUID) -> Response:
        invitation = selectors.invitation_get(
            actor=request.user, organization=self.organization, invitation_id=invitation_id
        )
        invitations.invitation_revoke(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(generics.GenericAPIView):
    domain_errors = {"POST": (InvitationInvalid, AlreadyMember)}
    extra_error_statuses = (422,)

    @extend_schema(
        summary="Accept an invitation",
        request=InvitationAcceptInputSerializer,
        responses={201: MembershipOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = InvitationAcceptInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = invitations.invitation_accept(user=request.user, token=given.validated_data["token"])
        return Response(MembershipOutputSerializer(membership).data, status=status.HTTP_201_CREATED)
