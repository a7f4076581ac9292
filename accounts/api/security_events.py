from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from accounts.selectors import security_events_for
from audit.models import AuditEvent


class SecurityEventOutputSerializer(serializers.Serializer):
    # Declared rather than derived from the model: a ModelSerializer rebuilds its fields from the
    # model on every request, which cost this list more than reading its rows.
    id = serializers.UUIDField(read_only=True)
    action = serializers.ChoiceField(choices=AuditEvent.Action.choices, read_only=True)
    description = serializers.CharField(source="get_action_display")
    ip_address = serializers.IPAddressField(read_only=True, allow_null=True)
    user_agent = serializers.CharField(read_only=True)
    data = serializers.JSONField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


@extend_schema(summary="Your recent security events", tags=["auth"])
class SecurityEventListView(generics.ListAPIView):
    serializer_class = SecurityEventOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        return security_events_for(user=self.request.user)
