"""Passkey endpoints: register one (signed in, or with an enrollment token) and sign in with one."""

import json
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.mfa import ConfirmOutputSerializer, enrolling_user
from accounts.api.serializers import TokenPairOutputSerializer
from accounts.api.views import PublicAPIView
from accounts.exceptions import (
    MethodNotEnrolled,
    MFACodeInvalid,
    PasskeyAlreadyRegistered,
    PasskeyChallengeInvalid,
    PasskeyInvalid,
)
from accounts.services import passkeys, tokens
from core.fields import StrictCharField

# An attestation with a certificate chain runs to a few kilobytes; nothing legitimate comes near this.
CREDENTIAL_MAX_BYTES = 64 * 1024


class CredentialField(serializers.DictField):
    """The credential as the browser returns it (`PublicKeyCredential.toJSON()`), checked by the service."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value = super().to_internal_value(data)
        if len(json.dumps(value)) > CREDENTIAL_MAX_BYTES:
            raise serializers.ValidationError(f"The credential exceeds {CREDENTIAL_MAX_BYTES} bytes.")
        return value


class RegisterBeginInputSerializer(serializers.Serializer):
    enrollment_token = StrictCharField(
        max_length=128, required=False, help_text="From register or login; not needed with a Bearer token."
    )


class OptionsOutputSerializer(serializers.Serializer):
    options = serializers.DictField(help_text="Pass to `navigator.credentials.create()` / `.get()` (JSON form).")


class RegisterCompleteInputSerializer(RegisterBeginInputSerializer):
    credential = CredentialField()
    name = StrictCharField(max_length=64, required=False, default="Passkey", help_text="Shown in your devices.")


class AuthenticateBeginInputSerializer(serializers.Serializer):
    mfa_token = StrictCharField(max_length=128)


class AuthenticateCompleteInputSerializer(AuthenticateBeginInputSerializer):
    credential = CredentialField()


class RegisterBeginView(APIView):
    permission_classes = [AllowAny]
    extra_error_statuses = (401,)

    @extend_schema(
        summary="Start adding a passkey",
        description="Authenticate with a Bearer token, or send the `enrollment_token` to make a passkey the "
        "first factor. Finish with `auth/webauthn/register/complete` within the options' timeout.",
        request=RegisterBeginInputSerializer,
        responses={200: OptionsOutputSerializer},
        tags=["mfa"],
    )
    def post(self, request: Request) -> Response:
        given = RegisterBeginInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user, _ = enrolling_user(request, given.validated_data)
        options = passkeys.passkey_register_begin(user=user)
        return Response(OptionsOutputSerializer({"options": options}).data)


class RegisterCompleteView(APIView):
    domain_errors = {"POST": (PasskeyInvalid, PasskeyChallengeInvalid, PasskeyAlreadyRegistered)}
    permission_classes = [AllowAny]
    extra_error_statuses = (401,)

    @extend_schema(
        summary="Finish adding a passkey",
        description="Answers like `auth/mfa/confirm`: a first factor also returns the ten recovery codes "
        "and, with an `enrollment_token`, the token pair that completes the sign-up.",
        request=RegisterCompleteInputSerializer,
        responses={200: ConfirmOutputSerializer},
        tags=["mfa"],
    )
    def post(self, request: Request) -> Response:
        given = RegisterCompleteInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        user, enrollment_token = enrolling_user(request, data)
        enrollment = passkeys.passkey_register_complete(
            user=user,
            credential=data["credential"],
            name=data["name"],
            enrollment_token=enrollment_token,
            issue_tokens=True,
        )
        return Response(ConfirmOutputSerializer(enrollment).data)


class AuthenticateBeginView(PublicAPIView):
    domain_errors = {"POST": (MethodNotEnrolled,)}
    extra_error_statuses = (401, 429)

    @extend_schema(
        summary="Second sign-in step with a passkey: get the challenge",
        request=AuthenticateBeginInputSerializer,
        responses={200: OptionsOutputSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = AuthenticateBeginInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        options = passkeys.passkey_authenticate_begin(token=given.validated_data["mfa_token"])
        return Response(OptionsOutputSerializer({"options": options}).data)


class AuthenticateCompleteView(PublicAPIView):
    domain_errors = {"POST": (PasskeyInvalid, PasskeyChallengeInvalid, MFACodeInvalid)}
    extra_error_statuses = (401, 429)

    @extend_schema(
        summary="Second sign-in step with a passkey: send the signed challenge",
        description="A refused passkey counts against the `mfa_token` like a wrong code (five tries).",
        request=AuthenticateCompleteInputSerializer,
        responses={200: TokenPairOutputSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = AuthenticateCompleteInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        user = passkeys.passkey_authenticate_complete(token=data["mfa_token"], credential=data["credential"])
        return Response(TokenPairOutputSerializer(tokens.token_pair_issue(user=user)).data)
