from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import AlreadyExists
from core.fields import StrictCharField
from organizations.api.base import TenantAPIView, in_body, in_query, in_url
from organizations.roles import Action
from projects import selectors, services
from projects.models import Project

TAGS = ["projects"]


class ProjectInputSerializer(serializers.Serializer):
    organization_id = serializers.UUIDField()
    name = StrictCharField(max_length=120)
    description = StrictCharField(max_length=2000, required=False, allow_blank=True)
    repo_type = serializers.ChoiceField(choices=Project.RepoType.choices, required=False)
    repo_url = StrictCharField(max_length=500, required=False, allow_blank=True)
    github_token = StrictCharField(
        max_length=500, required=False, allow_blank=True, write_only=True, help_text="Write-only; never returned."
    )
    is_public = serializers.BooleanField(required=False)


class ProjectUpdateSerializer(ProjectInputSerializer):
    organization_id = None


class ProjectOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField()

    class Meta:
        model = Project
        fields = [
            "id",
            "organization_id",
            "name",
            "description",
            "repo_type",
            "repo_url",
            "has_github_token",
            "is_public",
            "scan_count",
            "last_scan",
            "last_risk_score",
            "created_at",
        ]
        read_only_fields = fields


class ProjectListCreateView(TenantAPIView, generics.ListAPIView):
    domain_errors = {"POST": (AlreadyExists,)}
    required_actions = {"GET": Action.PROJECTS_VIEW, "POST": Action.PROJECTS_MANAGE}
    organization_from = {"GET": in_query("org_id"), "POST": in_body("organization_id")}
    serializer_class = ProjectOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        return selectors.project_list(actor=self.request.user).filter(organization__in=self.allowed_organizations())

    @extend_schema(
        summary="Projects in your organizations",
        parameters=[OpenApiParameter("org_id", UUID, description="Only this organization's projects.")],
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        summary="Create a project",
        request=ProjectInputSerializer,
        responses={201: ProjectOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = ProjectInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data.pop("organization_id")  # the door found and checked it: self.organization
        project = services.project_create(actor=request.user, organization=self.organization, **data)
        return Response(ProjectOutputSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(TenantAPIView):
    domain_errors = {"PUT": (AlreadyExists,), "PATCH": (AlreadyExists,)}
    required_actions = {
        "GET": Action.PROJECTS_VIEW,
        "PUT": Action.PROJECTS_MANAGE,
        "PATCH": Action.PROJECTS_MANAGE,
        "DELETE": Action.PROJECTS_MANAGE,
    }
    organization_from = in_url("project_id", via=selectors.project_get)

    @extend_schema(summary="A project", responses={200: ProjectOutputSerializer}, tags=TAGS)
    def get(self, request: Request, project_id: UUID) -> Response:
        return Response(ProjectOutputSerializer(self.tenant_object).data)

    @extend_schema(
        summary="Replace a project's details",
        request=ProjectUpdateSerializer,
        responses={200: ProjectOutputSerializer},
        tags=TAGS,
    )
    def put(self, request: Request, project_id: UUID) -> Response:
        return self._update(request, project_id, partial=False)

    @extend_schema(
        summary="Change a project's details",
        request=ProjectUpdateSerializer(partial=True),
        responses={200: ProjectOutputSerializer},
        tags=TAGS,
    )
    def patch(self, request: Request, project_id: UUID) -> Response:
        return self._update(request, project_id, partial=True)

    def _update(self, request: Request, project_id: UUID, *, partial: bool) -> Response:
        given = ProjectUpdateSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        project = services.project_update(actor=request.user, project=self.tenant_object, **given.validated_data)
        return Response(ProjectOutputSerializer(project).data)

    @extend_schema(summary="Delete a project", responses={204: None}, tags=TAGS)
    def delete(self, request: Request, project_id: UUID) -> Response:
        services.project_delete(actor=request.user, project=self.tenant_object)
        return Response(status=status.HTTP_204_NO_CONTENT)
