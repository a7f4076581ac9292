from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from accounts.selectors import security_events_for
from audit.models import AuditEvent


class SecurityEventOutputSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="get_action_display")

    class Meta:
        model = AuditEvent
        fields = ["id", "action", "description", "ip_address", "user_agent", "data", "created_at"]
        read_only_fields = fields


@extend_schema(summary="Your recent security events", tags=["auth"])
class SecurityEventListView(generics.ListAPIView):
    serializer_class = SecurityEventOutputSerializer

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        return security_events_for(user=self.request.user)
