from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import NewPasswordField
from accounts.api.views import PublicAPIView
from accounts.exceptions import PasswordResetInvalid, WeakPassword, WrongPassword
from accounts.links import reset_link_base
from accounts.services import passwords
from core.fields import StrictCharField, StrictEmailField

RESET_REQUESTED = "If an account exists for this address, we have sent a reset link."


class PasswordResetInputSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)


class PasswordResetConfirmInputSerializer(serializers.Serializer):
    token = StrictCharField(max_length=200, help_text="The token from the reset email: `<id>.<secret>`.")
    new_password = NewPasswordField()


class PasswordChangeInputSerializer(serializers.Serializer):
    old_password = StrictCharField(max_length=128, trim_whitespace=False)
    new_password = NewPasswordField()


class DetailOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PasswordResetView(PublicAPIView):
    extra_error_statuses = (429,)

    @extend_schema(
        summary="Ask for a password reset link",
        description="Always answers 202 with the same body, whether or not the address has an account; the "
        "account's owner is emailed a link valid for one hour. Limited per address and per client (429).",
        request=PasswordResetInputSerializer,
        responses={202: DetailOutputSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = PasswordResetInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        passwords.password_reset_request(email=given.validated_data["email"], link_base=reset_link_base(request))
        return Response(DetailOutputSerializer({"detail": RESET_REQUESTED}).data, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAPIView):
    domain_errors = {"POST": (PasswordResetInvalid, WeakPassword)}

    @extend_schema(
        summary="Set a new password with a reset token",
        description="The token works once, for one hour and five wrong tries. Afterwards every refresh token "
        "of the account is revoked: sign in again.",
        request=PasswordResetConfirmInputSerializer,
        responses={200: DetailOutputSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = PasswordResetConfirmInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        passwords.password_reset_confirm(**given.validated_data)
        body = {"detail": "Your password has been reset. Sign in with the new one."}
        return Response(DetailOutputSerializer(body).data)


class PasswordChangeView(APIView):
    domain_errors = {"POST": (WrongPassword, WeakPassword)}

    @extend_schema(
        summary="Change your password",
        description="Revokes every refresh token of the account and the access token used for this request: "
        "the client must sign in again.",
        request=PasswordChangeInputSerializer,
        responses={200: DetailOutputSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = PasswordChangeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        passwords.password_change(user=request.user, **given.validated_data, access_token=request.auth)
        body = {"detail": "Your password has been changed. Sign in again."}
        return Response(DetailOutputSerializer(body).data)
