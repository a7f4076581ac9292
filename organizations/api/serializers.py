from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.fields import StrictCharField, StrictEmailField
from organizations.models import COUNTRY_RULE, SLUG_RULE, ApiKey, Invitation, Membership, Organization
from organizations.roles import Role, Scope


# `allow_blank` accepts "" before validators run and puts a blank branch in the schema's `oneOf`; a
# pattern that also matched "" would make the two branches overlap, which `oneOf` forbids.
_COUNTRY_CODE = RegexValidator(r"^[A-Z]{2}$", COUNTRY_RULE.message)


class OrganizationInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=120)
    slug = StrictCharField(max_length=50, validators=[SLUG_RULE])
    description = StrictCharField(max_length=2000, required=False, allow_blank=True)
    industry = StrictCharField(max_length=80, required=False, allow_blank=True)
    country = StrictCharField(
        max_length=2, required=False, allow_blank=True, validators=[_COUNTRY_CODE], help_text="ISO 3166 alpha-2."
    )


class OrganizationOutputSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "description", "industry", "country", "member_count", "created_at"]
        read_only_fields = fields


# The schema's component keeps its published name: clients generated from it refer to `MemberUser`.
@extend_schema_serializer(component_name="MemberUser")
class MembershipUserSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    username = serializers.CharField()
    full_name = serializers.CharField()


class MembershipOutputSerializer(serializers.ModelSerializer):
    user = MembershipUserSerializer()

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = fields


class MembershipInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class MembershipRemoveQuerySerializer(serializers.Serializer):
    revoke_api_keys = serializers.BooleanField(
        default=False, help_text="Also revoke the API keys this person created (needs the right to manage keys)."
    )


class InvitationInputSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)


class InvitationOutputSerializer(serializers.ModelSerializer):
    status = serializers.CharField()

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "expires_at", "created_at"]
        read_only_fields = fields


class InvitationAcceptInputSerializer(serializers.Serializer):
    token = StrictCharField(max_length=128)


class ApiKeyInputSerializer(serializers.Serializer):
    organization_id = serializers.UUIDField()
    name = StrictCharField(max_length=100)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices), min_length=1, max_length=3)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class ApiKeyCreatorSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    is_member = serializers.BooleanField(help_text="False once they left or were removed; the key keeps working.")


class ApiKeyOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField()
    created_by = serializers.SerializerMethodField(help_text="Who created the key; null if that account is deleted.")

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "organization_id",
            "name",
            "prefix",
            "scopes",
            "created_by",
            "expires_at",
            "last_used_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ApiKeyCreatorSerializer(allow_null=True))
    def get_created_by(self, api_key: ApiKey) -> dict | None:
        # `created_by_is_member` is annotated by the api_key_list selector, which every key shown comes from.
        creator = api_key.created_by
        if creator is None:
            return None
        fields = {"id": creator.pk, "email": creator.email, "full_name": creator.full_name}
        return ApiKeyCreatorSerializer({**fields, "is_member": api_key.created_by_is_member}).data


class ApiKeyRevokeQuerySerializer(serializers.Serializer):
    all_by_creator = serializers.BooleanField(
        default=False,
        help_text="Also revoke every other live key the same person created in the organization, "
        "e.g. everything a former member left behind.",
    )


class ApiKeyCreatedSerializer(ApiKeyOutputSerializer):
    key = serializers.CharField(help_text="The secret: shown this once, never again.")

    class Meta(ApiKeyOutputSerializer.Meta):
        fields = [*ApiKeyOutputSerializer.Meta.fields, "key"]
        read_only_fields = fields
