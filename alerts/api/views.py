from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from alerts import selectors, services
from alerts.api import serializers as io
from alerts.exceptions import AlertAlreadyOpen
from organizations.api.base import TenantAPIView, in_query, in_url
from organizations.roles import Action
from projects.selectors import project_get

TAGS = ["alerts"]


class AlertListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": Action.ALERTS_VIEW}
    organization_from = in_query("project_id", via=project_get)
    serializer_class = io.AlertOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        alerts = selectors.alert_list(actor=self.request.user).filter(**self.query(io.AlertListQuerySerializer))
        return self.narrowed(alerts, organization_path="organization")

    @extend_schema(
        summary="Alerts in your organizations, newest first",
        parameters=[
            OpenApiParameter("project_id", UUID, description="Only this project's alerts."),
            io.AlertListQuerySerializer,
        ],
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class AlertDetailView(TenantAPIView):
    required_actions = {"GET": Action.ALERTS_VIEW, "PATCH": Action.ALERTS_MANAGE}
    organization_from = in_url("alert_id", via=selectors.alert_get)
    domain_errors = {"PATCH": (AlertAlreadyOpen,)}

    @extend_schema(summary="An alert", responses={200: io.AlertOutputSerializer}, tags=TAGS)
    def get(self, request: Request, alert_id: UUID) -> Response:
        return Response(io.AlertOutputSerializer(self.tenant_object).data)

    @extend_schema(
        summary="Mark an alert read or resolved (or undo either)",
        request=io.AlertInputSerializer,
        responses={200: io.AlertOutputSerializer},
        tags=TAGS,
    )
    def patch(self, request: Request, alert_id: UUID) -> Response:
        given = io.AlertInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        alert = services.alert_update(actor=request.user, alert=self.tenant_object, **given.validated_data)
        return Response(io.AlertOutputSerializer(alert).data)


class NotificationSettingsView(TenantAPIView):
    required_actions = {"GET": Action.NOTIFICATIONS_MANAGE, "PATCH": Action.NOTIFICATIONS_MANAGE}
    organization_from = in_url("organization_id")

    @extend_schema(
        summary="How an organization hears of alerts (owners and admins)",
        responses={200: io.NotificationSettingsOutputSerializer},
        tags=TAGS,
    )
    def get(self, request: Request, organization_id: UUID) -> Response:
        found = selectors.notification_settings_get(organization=self.organization)
        return Response(io.NotificationSettingsOutputSerializer(found).data)

    @extend_schema(
        summary="Change how an organization hears of alerts",
        description="A webhook URL must be https on a public host (unless the operator allows local URLs); "
        "it is stored encrypted and never returned.",
        request=io.NotificationSettingsInputSerializer,
        responses={200: io.NotificationSettingsOutputSerializer},
        tags=TAGS,
    )
    def patch(self, request: Request, organization_id: UUID) -> Response:
        given = io.NotificationSettingsInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changed = services.notification_settings_update(
            actor=request.user, organization=self.organization, **given.validated_data
        )
        return Response(io.NotificationSettingsOutputSerializer(changed).data)
