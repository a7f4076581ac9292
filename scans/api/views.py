from typing import Any, ClassVar
from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.parsers import JSONBodyParser
from organizations.api.base import TenantAPIView, in_body, in_query, in_url
from organizations.roles import Action
from projects.selectors import project_get
from scans import exceptions as errors
from scans import selectors, services
from scans.api import serializers as io
from scans.exceptions import ScanLimitExceeded
from scans.models import Scan
from scans.runners import Outcome
from scans.sarif import scan_sarif

TAGS = ["scans"]
# How many findings a scan's own answer carries; the findings list pages through all of them.
RESULTS_SHOWN = 100


def _scan_answer(request: Request, scan: Scan, outcome: Outcome | None = None) -> dict[str, Any]:
    results = selectors.finding_list(actor=request.user, scan=scan)[:RESULTS_SHOWN]
    context = {"results": results, "extras": outcome.extras if outcome else {}}
    return io.ScanOutputSerializer(scan, context=context).data


class ScanSubmitView(TenantAPIView):
    """A scan of one input given in the body, for the project the body names."""

    required_actions = {"POST": Action.SCANS_CREATE}
    organization_from = in_body("project_id", via=project_get)
    domain_errors = {"POST": (ScanLimitExceeded,)}
    scan_type: ClassVar[str]
    input_serializer: ClassVar[type[serializers.Serializer]]

    def post(self, request: Request) -> Response:
        given = self.input_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        scan, outcome = services.scan_submit(
            actor=request.user, project=self.tenant_object, scan_type=self.scan_type, source=given.scan_input()
        )
        # 202 as the API has always answered a scan; a small input has already completed.
        return Response(_scan_answer(request, scan, outcome), status=status.HTTP_202_ACCEPTED)


def _submit_schema(summary: str, serializer: type[serializers.Serializer]) -> Any:
    return extend_schema_view(
        post=extend_schema(summary=summary, request=serializer, responses={202: io.ScanOutputSerializer}, tags=TAGS)
    )


ARCHIVE_ERRORS = (
    errors.ArchiveRefused,
    errors.ArchiveTooLarge,
    errors.ArchiveBomb,
    errors.ArchiveTooManyFiles,
    errors.ArchiveTooDeep,
    errors.ArchiveUnsafePath,
    errors.ArchiveUnsafeMember,
)


@_submit_schema("Scan a snippet, an archive or a repository ref for secrets", io.CodeScanInputSerializer)
class CodeScanView(ScanSubmitView):
    """Small snippets complete in the request; archives, repositories and large snippets are queued."""

    scan_type = Scan.ScanType.CODE
    input_serializer = io.CodeScanInputSerializer
    parser_classes = [JSONBodyParser, MultiPartParser]
    domain_errors = {"POST": (ScanLimitExceeded, *ARCHIVE_ERRORS, errors.RepositoryRefused, errors.RepositoryUnsafe)}


@_submit_schema("Score a prompt for jailbreaks, injection, exfiltration and prompt leaks", io.PromptScanInputSerializer)
class PromptScanView(ScanSubmitView):
    scan_type = Scan.ScanType.PROMPT
    input_serializer = io.PromptScanInputSerializer


@_submit_schema("Find personal data in a text", io.PiiScanInputSerializer)
class PiiScanView(ScanSubmitView):
    scan_type = Scan.ScanType.PII
    input_serializer = io.PiiScanInputSerializer


class ScanListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": Action.SCANS_VIEW}
    organization_from = in_query("project_id", via=project_get)
    serializer_class = io.ScanSummaryOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        scans = selectors.scan_list(actor=self.request.user).filter(**self.query(io.ScanListQuerySerializer))
        return self.narrowed(scans, organization_path="project__organization")

    @extend_schema(
        summary="Scans in your organizations' projects",
        parameters=[
            OpenApiParameter("project_id", UUID, description="Only this project's scans."),
            io.ScanListQuerySerializer,
        ],
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


SCAN_IN_URL = in_url("scan_id", via=selectors.scan_get)


class ScanDetailView(TenantAPIView):
    required_actions = {"GET": Action.SCANS_VIEW}
    organization_from = SCAN_IN_URL

    @extend_schema(
        summary="A scan, its scores and its worst findings", responses={200: io.ScanOutputSerializer}, tags=TAGS
    )
    def get(self, request: Request, scan_id: UUID) -> Response:
        return Response(_scan_answer(request, self.tenant_object))


class ScanFindingListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": Action.SCANS_VIEW}
    organization_from = SCAN_IN_URL
    serializer_class = io.FindingOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        severity = self.query(io.FindingListQuerySerializer).get("severity")
        return selectors.finding_list(actor=self.request.user, scan=self.tenant_object, severity=severity)

    @extend_schema(summary="A scan's findings, worst first", parameters=[io.FindingListQuerySerializer], tags=TAGS)
    def get(self, request: Request, scan_id: UUID) -> Response:
        return super().get(request, scan_id)


class ScanSarifView(TenantAPIView):
    required_actions = {"GET": Action.SCANS_VIEW}
    organization_from = SCAN_IN_URL

    @extend_schema(
        summary="A scan as SARIF 2.1.0, for code-scanning services",
        responses={200: OpenApiTypes.OBJECT},
        tags=TAGS,
    )
    def get(self, request: Request, scan_id: UUID) -> Response:
        scan = self.tenant_object
        findings = selectors.finding_list(actor=request.user, scan=scan)
        headers = {"Content-Disposition": f'attachment; filename="scan-{scan.pk}.sarif"'}
        return Response(scan_sarif(scan=scan, findings=findings), headers=headers)


class FindingTriageView(TenantAPIView):
    required_actions = {"POST": Action.FINDINGS_TRIAGE}
    organization_from = in_body("organization_id")

    @extend_schema(
        summary="Decide about a finding, organization-wide: later scans leave it out",
        request=io.TriageInputSerializer,
        responses={200: io.TriageOutputSerializer},
        tags=TAGS,
    )
    def post(self, request: Request, fingerprint: str) -> Response:
        given = io.TriageInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data.pop("organization_id")  # the door found and checked it: self.organization
        triage = services.finding_triage(
            actor=request.user, organization=self.organization, fingerprint=fingerprint, **data
        )
        return Response(io.TriageOutputSerializer(triage).data)
