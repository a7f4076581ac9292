from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import MinimumLengthValidator, get_default_password_validators
from django.contrib.auth.validators import UnicodeUsernameValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import MFAMethod, User
from accounts.services.mfa import user_devices
from accounts.services.mfa_login import MFAStep
from accounts.services.users import SignUp
from core.fields import StrictCharField, StrictEmailField

# The schema states the length rule of AUTH_PASSWORD_VALIDATORS; the other rules stay in the validators.
PASSWORD_MIN_LENGTH = next(
    (v.min_length for v in get_default_password_validators() if isinstance(v, MinimumLengthValidator)), 1
)


def method_choices(methods: Iterable[MFAMethod]) -> list[tuple[str, str]]:
    """A set of second-factor methods as field choices, each with its label."""
    return [(method.value, method.label) for method in methods]


class NewPasswordField(StrictCharField):
    """A password being set. The schema states the length rule, but the field leaves length to the
    password rules, so a short one gets 422 WEAK_PASSWORD with every reason, not a bare length error."""

    schema_min_length = PASSWORD_MIN_LENGTH

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=128, trim_whitespace=False, **kwargs)


# The platform-wide role PRODUCT.md gives the profile: operators (staff, who reach the admin) and everyone
# else. It grants nothing in an organization, where the membership's role decides.
PLATFORM_ROLES = [("admin", "Platform admin"), ("user", "User")]


class UserOutputSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    mfa_enrolled = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "username", "full_name", "role", "is_verified", "mfa_enrolled", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=PLATFORM_ROLES))
    def get_role(self, user: User) -> str:
        return "admin" if user.is_staff else "user"

    def get_mfa_enrolled(self, user: User) -> bool:
        return bool(user_devices(user=user))


# A `SignUp`: the new account's profile and its enrollment token, side by side. (A comment, not a
# docstring: drf-spectacular would publish it.)
class RegisterOutputSerializer(UserOutputSerializer):
    enrollment_token = serializers.CharField(help_text="Short-lived; can only enroll a second factor.")

    class Meta(UserOutputSerializer.Meta):
        fields = [*UserOutputSerializer.Meta.fields, "enrollment_token"]
        read_only_fields = fields

    def to_representation(self, sign_up: SignUp) -> dict[str, Any]:
        profile = UserOutputSerializer(sign_up.user, context=self.context).data
        return {**profile, "enrollment_token": sign_up.enrollment_token}


class MFAStepOutputSerializer(serializers.Serializer):
    mfa_required = serializers.SerializerMethodField()
    mfa_token = serializers.CharField(help_text="Single use, 5 minutes, 5 wrong codes at most.")
    methods = serializers.ListField(child=serializers.ChoiceField(choices=MFAMethod.choices))
    expires_in = serializers.IntegerField()

    def get_mfa_required(self, step: MFAStep) -> bool:
        return True  # a password alone never signs in


class RegisterInputSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)
    username = StrictCharField(max_length=150, validators=[UnicodeUsernameValidator()])
    full_name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    password = NewPasswordField(write_only=True)


class LoginInputSerializer(serializers.Serializer):
    required_any_of = ("email", "username")
    email = StrictCharField(max_length=254, required=False, help_text="Email address (or use `username`).")
    username = StrictCharField(max_length=254, required=False, help_text="Username (or use `email`).")
    password = StrictCharField(max_length=128, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("email") and not attrs.get("username"):
            raise serializers.ValidationError({"email": ["Give an email address or a username."]})
        return attrs


class TokenPairOutputSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")
    token_type = serializers.ChoiceField(choices=["bearer"])


class RefreshInputSerializer(serializers.Serializer):
    refresh_token = StrictCharField(max_length=4096)


class LogoutInputSerializer(serializers.Serializer):
    refresh_token = StrictCharField(max_length=4096, required=False)


class MeInputSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150, required=False, validators=[UnicodeUsernameValidator()])
    full_name = StrictCharField(max_length=200, required=False, allow_blank=True)


class CsrfTokenOutputSerializer(serializers.Serializer):
    csrf_token = serializers.CharField()
