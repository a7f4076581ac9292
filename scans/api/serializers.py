from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import StrictCharField
from scans.engine.findings import Severity
from scans.inputs import ScanInput
from scans.models import Finding, Scan, Triage
from scans.repositories import REF

# Bounded so that any schema-valid body stays under the API's 1 MiB body limit, escaped characters
# and all; larger inputs will come as archives to a worker.
CODE_MAX_CHARS = 100_000
PROMPT_MAX_CHARS = 32_000
CONTENT_MAX_CHARS = 100_000
LANGUAGE_SUFFIXES = {"python": ".py", "javascript": ".js", "typescript": ".ts", "text": ".txt"}
# A relative path without `..` parts, control characters or backslashes: it names where findings are.
RELATIVE_PATH = RegexValidator(
    r"^(?!/)(?!(?:[^/]*/)*\.\.(?:/|$))[^\u0000-\u001f\\]+$",
    "Give a relative file name without '..' parts, control characters or backslashes.",
)


class CodeScanInputSerializer(serializers.Serializer):
    """A snippet in JSON; or, as multipart, an archive; or, for a project with a repository, a ref."""

    required_one_of = ("code", "archive", "ref")

    project_id = serializers.UUIDField()
    code = StrictCharField(max_length=CODE_MAX_CHARS, trim_whitespace=False, required=False)
    archive = serializers.FileField(
        required=False, allow_empty_file=False, help_text="A zip, tar or tar.gz file (multipart/form-data)."
    )
    ref = StrictCharField(
        max_length=200,
        required=False,
        validators=[RegexValidator(REF, "Give a branch or tag name, or a full commit id.")],
        help_text="A branch, a tag or a full commit id of the project's repository, cloned at depth 1.",
    )
    filename = StrictCharField(
        max_length=255,
        required=False,
        trim_whitespace=False,
        validators=[RELATIVE_PATH],
        help_text="Decides which analyzers read the code (by its suffix); default from `language`.",
    )
    language = serializers.ChoiceField(choices=sorted(LANGUAGE_SUFFIXES), required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in self.required_one_of if name in attrs]
        if len(given) != 1:
            raise serializers.ValidationError({"code": ["Give exactly one of code, archive or ref."]})
        return attrs

    def scan_input(self) -> ScanInput:
        data = self.validated_data
        language = data.get("language", "")
        if "archive" in data:
            path = data.get("filename", "archive")
            return ScanInput(kind=Scan.InputKind.ARCHIVE, archive=data["archive"], path=path, language=language)
        if "ref" in data:
            return ScanInput(kind=Scan.InputKind.REPOSITORY, ref=data["ref"], path="", language=language)
        path = data.get("filename") or f"snippet{LANGUAGE_SUFFIXES.get(language, '.txt')}"
        return ScanInput(kind=Scan.InputKind.SNIPPET, text=data["code"], path=path, language=language)


class PromptScanInputSerializer(serializers.Serializer):
    project_id = serializers.UUIDField()
    prompt = StrictCharField(max_length=PROMPT_MAX_CHARS, trim_whitespace=False)
    model = StrictCharField(max_length=100, required=False, allow_blank=True)

    def scan_input(self) -> ScanInput:
        data = self.validated_data
        return ScanInput(kind=Scan.InputKind.PROMPT, text=data["prompt"], path="prompt", model=data.get("model", ""))


class PiiScanInputSerializer(serializers.Serializer):
    project_id = serializers.UUIDField()
    content = StrictCharField(max_length=CONTENT_MAX_CHARS, trim_whitespace=False)
    content_type = StrictCharField(max_length=50, required=False, help_text="What the text is, e.g. `logs`.")
    redact = serializers.BooleanField(
        default=False, help_text="Also answer with the text with typed placeholders (never stored)."
    )

    def scan_input(self) -> ScanInput:
        data = self.validated_data
        return ScanInput(
            kind=Scan.InputKind.TEXT,
            text=data["content"],
            path="content",
            content_type=data.get("content_type", ""),
            redact=data["redact"],
        )


class ScanListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Scan.Status.choices, required=False)
    scan_type = serializers.ChoiceField(choices=Scan.ScanType.choices, required=False)


class FindingListQuerySerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=[severity.value for severity in Severity], required=False)


class FindingOutputSerializer(serializers.ModelSerializer):
    finding_type = serializers.CharField(source="category", help_text="secret, code, model_file, pii or prompt.")
    line_number = serializers.IntegerField(source="line")
    triage_status = serializers.ChoiceField(
        choices=Triage.Status.choices, allow_null=True, help_text="The organization's decision, if any."
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "rule_id",
            "finding_type",
            "severity",
            "confidence",
            "title",
            "description",
            "remediation",
            "file_path",
            "line_number",
            "column",
            "snippet",
            "fingerprint",
            "triage_status",
        ]
        read_only_fields = fields


class FindingsSummarySerializer(serializers.Serializer):
    critical = serializers.IntegerField(source="critical_count")
    high = serializers.IntegerField(source="high_count")
    medium = serializers.IntegerField(source="medium_count")
    low = serializers.IntegerField(source="low_count")
    info = serializers.IntegerField(source="info_count")


class ScanSummaryOutputSerializer(serializers.ModelSerializer):
    """A scan in a list: what it is and how bad, without its findings."""

    project_id = serializers.UUIDField()
    findings_summary = FindingsSummarySerializer(source="*")
    findings_count = serializers.IntegerField()
    execution_time_seconds = serializers.FloatField(source="duration_seconds", allow_null=True)

    class Meta:
        model = Scan
        fields = [
            "id",
            "scan_type",
            "status",
            "project_id",
            "ai_risk_score",
            "risk_level",
            "findings_summary",
            "findings_count",
            "suppressed_count",
            "execution_time_seconds",
            "created_at",
            "started_at",
            "completed_at",
        ]
        read_only_fields = fields


class PiiTypeSerializer(serializers.Serializer):
    pii_type = serializers.CharField()
    count = serializers.IntegerField()
    classification = serializers.CharField()
    gdpr_risk = serializers.CharField()
    ai_act_risk = serializers.CharField()
    locations = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        help_text="[start, end) character offsets in the content.",
    )


def _score(name: str) -> serializers.IntegerField:
    return serializers.IntegerField(source=f"details.{name}", allow_null=True, min_value=0, max_value=100)


class ScanOutputSerializer(ScanSummaryOutputSerializer):
    """A scan with its results. Prompt scores are null for other types and `findings` (PII types) is
    empty for them; `suggested_prompt` and `redacted_text` quote the input, so they come only in the
    answer to the scan's submission (context `extras`) and are never stored."""

    input_kind = serializers.CharField()
    input_summary = serializers.DictField(help_text="Names and sizes of the input, never its content.")
    error_message = serializers.CharField()
    results = serializers.SerializerMethodField(help_text="The worst findings first; all of them at /findings.")
    jailbreak_risk = _score("jailbreak_risk")
    injection_risk = _score("injection_risk")
    data_exfiltration_risk = _score("data_exfiltration_risk")
    system_prompt_exposure = _score("system_prompt_exposure")
    overall = _score("overall")
    findings = PiiTypeSerializer(
        many=True, source="details.pii", default=list, help_text="PII scans: each type found, with its offsets."
    )
    suggested_prompt = serializers.SerializerMethodField()
    redacted_text = serializers.SerializerMethodField()

    class Meta(ScanSummaryOutputSerializer.Meta):
        fields = [
            *ScanSummaryOutputSerializer.Meta.fields,
            "input_kind",
            "input_summary",
            "error_message",
            "results",
            "jailbreak_risk",
            "injection_risk",
            "data_exfiltration_risk",
            "system_prompt_exposure",
            "overall",
            "findings",
            "suggested_prompt",
            "redacted_text",
        ]
        read_only_fields = fields

    @extend_schema_field(FindingOutputSerializer(many=True))
    def get_results(self, scan: Scan) -> list[dict[str, Any]]:
        return FindingOutputSerializer(self.context["results"], many=True).data

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Prompt scans, on submission only."))
    def get_suggested_prompt(self, scan: Scan) -> str | None:
        return self.context.get("extras", {}).get("suggested_prompt")

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="PII scans with `redact`, on submission."))
    def get_redacted_text(self, scan: Scan) -> str | None:
        return self.context.get("extras", {}).get("redacted_text")


class TriageInputSerializer(serializers.Serializer):
    organization_id = serializers.UUIDField(help_text="The organization whose scans reported the fingerprint.")
    status = serializers.ChoiceField(choices=Triage.Status.choices)
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True)


class TriageOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField()
    decided_by_id = serializers.UUIDField(allow_null=True)

    class Meta:
        model = Triage
        fields = ["id", "organization_id", "fingerprint", "status", "reason", "decided_by_id", "decided_at"]
        read_only_fields = fields
