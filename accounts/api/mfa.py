"""Second-factor endpoints: enrollment, the sign-in step, devices and recovery codes."""

from typing import Any

from django.core.validators import RegexValidator
from django_otp.models import Device
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import TokenPairOutputSerializer, method_choices
from accounts.api.views import PublicAPIView
from accounts.exceptions import EnrollmentNotPending, LastDeviceError, MethodNotEnrolled, MFACodeInvalid
from accounts.models import MFAMethod, User
from accounts.services import mfa, mfa_login, tokens
from core.exceptions import NotAuthenticated
from core.fields import StrictCharField
from core.providers import ProviderUnavailable

# Each named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"], so the schema has one enum per set.
ENROLL_METHOD_CHOICES = method_choices(mfa.DEVICE_MODELS)
CODE_METHOD_CHOICES = method_choices(mfa.CODE_METHODS)
DEVICE_METHOD_CHOICES = method_choices(mfa.FACTOR_MODELS)


class MethodInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ENROLL_METHOD_CHOICES)
    enrollment_token = StrictCharField(
        max_length=128, required=False, help_text="From register or login; not needed with a Bearer token."
    )


class EnrollInputSerializer(MethodInputSerializer):
    required_if = {"phone": ("method", MFAMethod.SMS.value)}
    phone = StrictCharField(
        max_length=20,
        required=False,
        default="",
        validators=[RegexValidator(mfa.E164, "Give the number in international form, e.g. +447700900123.")],
        help_text="E.164 number, for `sms`.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("method") == MFAMethod.SMS and not attrs.get("phone"):
            raise serializers.ValidationError({"phone": ["Give the number to send codes to."]})
        return attrs


# A `PendingDevice`. A field that is not required is left out when its source is absent (None).
# (Comments, not docstrings, on output serializers: drf-spectacular would publish a docstring.)
class EnrollOutputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ENROLL_METHOD_CHOICES)
    device_id = serializers.UUIDField(source="device.pk")
    otpauth_uri = serializers.CharField(
        source="totp.otpauth_uri", required=False, help_text="TOTP only: add to an authenticator app."
    )
    secret = serializers.CharField(
        source="totp.secret", required=False, help_text="TOTP only: the key, base32, for manual entry."
    )
    qr_svg = serializers.CharField(
        source="totp.qr_svg", required=False, help_text="TOTP only: the otpauth URI as an SVG QR code."
    )
    sent_to = serializers.CharField(
        source="code_sent.sent_to", required=False, help_text="Email/SMS only: where the code went (masked)."
    )


class ConfirmInputSerializer(MethodInputSerializer):
    code = StrictCharField(max_length=16)


class DeviceOutputSerializer(serializers.Serializer):
    id = serializers.CharField(source="pk", help_text="A UUID, or a number for a passkey.")
    method = serializers.SerializerMethodField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=DEVICE_METHOD_CHOICES))
    def get_method(self, device: Device) -> str:
        return mfa.device_method(device)


# An `Enrollment`; the token pair's fields only when it completed a sign-in (`tokens` is None otherwise).
class ConfirmOutputSerializer(serializers.Serializer):
    device = DeviceOutputSerializer()
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="Ten one-time codes, shown this once (first factor)."
    )
    access_token = serializers.CharField(source="tokens.access_token", required=False)
    refresh_token = serializers.CharField(source="tokens.refresh_token", required=False)
    expires_in = serializers.IntegerField(source="tokens.expires_in", required=False)
    token_type = serializers.CharField(source="tokens.token_type", required=False)


class LoginMFAInputSerializer(serializers.Serializer):
    required_one_of = ("code", "recovery_code")
    mfa_token = StrictCharField(max_length=128)
    code = StrictCharField(max_length=16, required=False, default="")
    recovery_code = StrictCharField(max_length=32, required=False, default="")
    method = serializers.ChoiceField(
        choices=ENROLL_METHOD_CHOICES, required=False, help_text="Which factor the code is from."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs["code"]) == bool(attrs["recovery_code"]):
            raise serializers.ValidationError({"code": ["Give either `code` or `recovery_code`."]})
        return attrs


class CodeSendInputSerializer(serializers.Serializer):
    mfa_token = StrictCharField(max_length=128)
    method = serializers.ChoiceField(choices=CODE_METHOD_CHOICES)


class CodeSentOutputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=CODE_METHOD_CHOICES)
    sent_to = serializers.CharField()


class RecoveryCodesOutputSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(child=serializers.CharField())


def enrolling_user(request: Request, data: dict[str, Any]) -> tuple[User, str]:
    """The signed-in user, or the one an enrollment token stands for (returned too, to spend it later)."""
    # An organization API key is authenticated but is no person: it never adds a factor.
    if request.user.is_authenticated and not getattr(request.user, "is_api_key", False):
        return request.user, ""
    token = data.get("enrollment_token")
    if not token:
        raise NotAuthenticated("Sign in, or send the `enrollment_token` from register or login.")
    return mfa.enrollment_user_get(token=token), token


class EnrollView(APIView):
    domain_errors = {"POST": (ProviderUnavailable,)}
    permission_classes = [AllowAny]
    extra_error_statuses = (401, 429, 503)

    @extend_schema(
        summary="Start enrolling a second factor",
        description="TOTP answers with the key and a QR code; email and SMS send a code. Confirm with "
        "`auth/mfa/confirm`. Authenticate with a Bearer token, or send the `enrollment_token`.",
        request=EnrollInputSerializer,
        responses={200: EnrollOutputSerializer},
        tags=["mfa"],
    )
    def post(self, request: Request) -> Response:
        given = EnrollInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user, _ = enrolling_user(request, given.validated_data)
        data = given.validated_data
        pending = mfa.mfa_enroll_begin(user=user, method=data["method"], phone=data["phone"])
        return Response(EnrollOutputSerializer(pending).data)


class ConfirmView(APIView):
    domain_errors = {"POST": (EnrollmentNotPending, MFACodeInvalid)}
    permission_classes = [AllowAny]
    extra_error_statuses = (401,)

    @extend_schema(
        summary="Confirm a second factor with a code from it",
        description="The first factor also returns the ten recovery codes (shown once) and, when enrolling "
        "with an `enrollment_token`, the token pair that completes the sign-up.",
        request=ConfirmInputSerializer,
        responses={200: ConfirmOutputSerializer},
        tags=["mfa"],
    )
    def post(self, request: Request) -> Response:
        given = ConfirmInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user, enrollment_token = enrolling_user(request, given.validated_data)
        data = given.validated_data
        enrollment = mfa.mfa_enroll_confirm(
            user=user, method=data["method"], code=data["code"], enrollment_token=enrollment_token, issue_tokens=True
        )
        return Response(ConfirmOutputSerializer(enrollment).data)


class LoginMFAView(PublicAPIView):
    domain_errors = {"POST": (MFACodeInvalid,)}
    extra_error_statuses = (401, 429)

    @extend_schema(
        summary="Second sign-in step: a code or a recovery code",
        request=LoginMFAInputSerializer,
        responses={200: TokenPairOutputSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = LoginMFAInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        user = mfa_login.mfa_login_verify(
            token=data["mfa_token"],
            code=data["code"],
            recovery_code=data["recovery_code"],
            method=data.get("method"),
        )
        return Response(TokenPairOutputSerializer(tokens.token_pair_issue(user=user)).data)


class LoginCodeSendView(PublicAPIView):
    domain_errors = {"POST": (MethodNotEnrolled, ProviderUnavailable)}
    extra_error_statuses = (401, 429, 503)

    @extend_schema(
        summary="Send a sign-in code by email or SMS",
        request=CodeSendInputSerializer,
        responses={202: CodeSentOutputSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = CodeSendInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        sent = mfa_login.mfa_login_code_send(token=data["mfa_token"], method=data["method"])
        return Response(CodeSentOutputSerializer(sent).data, status=status.HTTP_202_ACCEPTED)


class DeviceListView(APIView):
    @extend_schema(summary="Your second factors", responses={200: DeviceOutputSerializer(many=True)}, tags=["mfa"])
    def get(self, request: Request) -> Response:
        return Response(DeviceOutputSerializer(mfa.user_devices(user=request.user), many=True).data)


class DeviceDetailView(APIView):
    domain_errors = {"DELETE": (LastDeviceError,)}
    extra_error_statuses = (422,)

    @extend_schema(summary="Remove a second factor (never the last)", responses={204: None}, tags=["mfa"])
    def delete(self, request: Request, device_id: str) -> Response:
        mfa.mfa_device_remove(user=request.user, device_id=device_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecoveryCodesView(APIView):
    @extend_schema(
        summary="Regenerate recovery codes",
        description="Ten new codes, shown once; the old ones stop working at once.",
        request=None,
        responses={200: RecoveryCodesOutputSerializer},
        tags=["mfa"],
    )
    def post(self, request: Request) -> Response:
        codes = mfa.recovery_codes_regenerate(user=request.user)
        return Response(RecoveryCodesOutputSerializer({"recovery_codes": codes}).data)
