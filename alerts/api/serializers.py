from rest_framework import serializers

from alerts.models import Alert, NotificationSettings
from alerts.notifications import webhook_url_hint
from core.fields import StrictBooleanField, StrictCharField
from organizations.roles import Role
from scans.models import SEVERITY_CHOICES


class AlertOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField(read_only=True)
    project_id = serializers.UUIDField(read_only=True, allow_null=True)
    project_name = serializers.CharField(source="project.name", read_only=True, default=None, allow_null=True)
    scan_id = serializers.UUIDField(read_only=True, allow_null=True)
    resolved_by_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Alert
        fields = [
            "id", "organization_id", "project_id", "project_name", "scan_id", "fingerprint", "kind", "severity",
            "title", "message", "is_read", "is_resolved", "resolved_by_id", "resolved_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class AlertListQuerySerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=SEVERITY_CHOICES, required=False)
    is_read = serializers.BooleanField(required=False)
    is_resolved = serializers.BooleanField(required=False)


class AlertInputSerializer(serializers.Serializer):
    is_read = StrictBooleanField(required=False)
    is_resolved = StrictBooleanField(required=False)

    def validate(self, attrs: dict) -> dict:
        if not attrs:
            raise serializers.ValidationError({"is_read": ["Send is_read, is_resolved or both."]})
        return attrs


class NotificationSettingsOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField(read_only=True)
    webhook_configured = serializers.SerializerMethodField()
    webhook_url_hint = serializers.SerializerMethodField(help_text="Scheme and host only: the URL is a secret.")

    class Meta:
        model = NotificationSettings
        fields = [
            "organization_id", "email_enabled", "email_roles", "min_severity", "webhook_enabled",
            "webhook_configured", "webhook_url_hint", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_webhook_configured(self, settings: NotificationSettings) -> bool:
        return bool(settings.webhook_url)

    def get_webhook_url_hint(self, settings: NotificationSettings) -> str:
        return webhook_url_hint(settings.webhook_url)


class NotificationSettingsInputSerializer(serializers.Serializer):
    email_enabled = StrictBooleanField(required=False)
    email_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.values), required=False, allow_empty=True, max_length=len(Role)
    )
    min_severity = serializers.ChoiceField(choices=SEVERITY_CHOICES, required=False)
    webhook_enabled = StrictBooleanField(required=False)
    webhook_url = StrictCharField(
        max_length=2000, required=False, allow_blank=True, write_only=True, help_text="Write-only; blank removes it."
    )
