from uuid import UUID

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.permissions import IsUser
from core.exceptions import AlreadyExists
from organizations import selectors
from organizations.api.base import TenantAPIView
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
from organizations.models import Membership, Organization
from organizations.roles import Action
from organizations.services import invitations, members, organizations

TAGS = ["organizations"]


class OrganizationListCreateView(TenantAPIView, generics.ListAPIView):
    domain_errors = {"POST": (AlreadyExists,)}
    # Creating one acts in no organization yet: only a person may, checked in post().
    required_actions = {"GET": Action.ORGANIZATION_VIEW}
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
        if not IsUser().has_permission(request, self):
            self.permission_denied(request, message="Only a person can create an organization.")
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

    def _organization(self, organization_id: UUID) -> Organization:
        organization = selectors.organization_get(actor=self.request.user, organization_id=organization_id)
        self.authorize(organization)
        return organization

    @extend_schema(summary="An organization", responses={200: OrganizationOutputSerializer}, tags=TAGS)
    def get(self, request: Request, organization_id: UUID) -> Response:
        return Response(OrganizationOutputSerializer(self._organization(organization_id)).data)

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
        organization = self._organization(organization_id)
        given = OrganizationInputSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        organization = organizations.organization_update(
            actor=request.user, organization=organization, **given.validated_data
        )
        return Response(OrganizationOutputSerializer(organization).data)

    @extend_schema(
        summary="Delete an organization and everything it owns (owner only)",
        parameters=[OpenApiParameter("confirm", str, required=True, description="The organization's slug.")],
        responses={204: None},
        tags=TAGS,
    )
    def delete(self, request: Request, organization_id: UUID) -> Response:
        organization = self._organization(organization_id)
        organizations.organization_delete(
            actor=request.user,
            organization=organization,
            confirm=request.query_params.get("confirm", ""),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": Action.MEMBERS_VIEW}
    serializer_class = MembershipOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        organization = selectors.organization_get(
            actor=self.request.user, organization_id=self.kwargs["organization_id"]
        )
        self.authorize(organization)
        return selectors.membership_list(actor=self.request.user, organization=organization)

    @extend_schema(summary="Members of an organization", tags=TAGS)
    def get(self, request: Request, organization_id: UUID) -> Response:
        return super().get(request, organization_id)


class MemberDetailView(TenantAPIView):
    required_actions = {"PATCH": Action.MEMBERS_MANAGE, "DELETE": Action.MEMBERS_MANAGE}
    domain_errors = {"PATCH": (LastOwnerError,), "DELETE": (LastOwnerError,)}

    def _membership(self, organization_id: UUID, membership_id: UUID) -> Membership:
        organization = selectors.organization_get(actor=self.request.user, organization_id=organization_id)
        membership = selectors.membership_get(
            actor=self.request.user, organization=organization, membership_id=membership_id
        )
        # Leaving needs no role; every other change is checked by the role table (in the service too).
        if membership.user_id != getattr(self.request.user, "pk", None) or self.request.method != "DELETE":
            self.authorize(organization)
        return membership

    @extend_schema(
        summary="Change a member's role",
        request=MembershipInputSerializer,
        responses={200: MembershipOutputSerializer},
        tags=TAGS,
    )
    def patch(self, request: Request, organization_id: UUID, membership_id: UUID) -> Response:
        membership = self._membership(organization_id, membership_id)
        given = MembershipInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = members.membership_role_change(
            actor=request.user, membership=membership, role=given.validated_data["role"]
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
        members.membership_remove(
            actor=request.user,
            membership=self._membership(organization_id, membership_id),
            revoke_api_keys=given.validated_data["revoke_api_keys"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListCreateView(TenantAPIView, generics.ListAPIView):
    domain_errors = {"POST": (AlreadyMember,)}
    required_actions = {"GET": Action.INVITATIONS_MANAGE, "POST": Action.INVITATIONS_MANAGE}
    serializer_class = InvitationOutputSerializer

    def _organization(self) -> Organization:
        organization = selectors.organization_get(
            actor=self.request.user, organization_id=self.kwargs["organization_id"]
        )
        self.authorize(organization)
        return organization

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        return selectors.invitation_list(actor=self.request.user, organization=self._organization())

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
        organization = self._organization()
        given = InvitationInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        invitation = invitations.invitation_create(
            actor=request.user,
            organization=organization,
            link_for=lambda token: request.build_absolute_uri(reverse("invitation-accept-page", args=[token])),
            **given.validated_data,
        )
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(TenantAPIView):
    required_actions = {"DELETE": Action.INVITATIONS_MANAGE}

    @extend_schema(summary="Revoke an invitation", responses={204: None}, tags=TAGS)
    def delete(self, request: Request, organization_id: UUID, invitation_id: UUID) -> Response:
        organization = selectors.organization_get(actor=request.user, organization_id=organization_id)
        self.authorize(organization)
        invitation = selectors.invitation_get(
            actor=request.user, organization=organization, invitation_id=invitation_id
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
