from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import (
    CsrfTokenOutputSerializer,
    LoginInputSerializer,
    LogoutInputSerializer,
    MeInputSerializer,
    MFAStepOutputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    RegisterOutputSerializer,
    TokenPairOutputSerializer,
    UserOutputSerializer,
)
from accounts.exceptions import DuplicateEmail, InvalidCredentials, MFARequired, WeakPassword
from accounts.services import mfa_login, tokens, users
from core.exceptions import AlreadyExists


# An endpoint reached before signing in: a stray Authorization header is ignored, not judged.
# (A comment, not a docstring: drf-spectacular would publish a docstring as every subclass's description.)
class PublicAPIView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class RegisterView(PublicAPIView):
    domain_errors = {"POST": (WeakPassword, DuplicateEmail, AlreadyExists)}

    @extend_schema(
        summary="Create an account",
        request=RegisterInputSerializer,
        description="Returns the profile and an `enrollment_token`: every account must enroll a second factor "
        "(`auth/mfa/enroll`, then `auth/mfa/confirm`) before it can sign in.",
        responses={201: RegisterOutputSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = RegisterInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        sign_up = users.user_sign_up(**given.validated_data)
        return Response(RegisterOutputSerializer(sign_up).data, status=status.HTTP_201_CREATED)


class LoginView(PublicAPIView):
    domain_errors = {"POST": (InvalidCredentials, MFARequired)}
    extra_error_statuses = (401, 429)

    @extend_schema(
        summary="Sign in, first step: password",
        description="Never returns tokens: a correct password gives an `mfa_token` for `auth/login/mfa`. "
        "An account without a second factor gets 401 `MFA_REQUIRED` with an `enrollment_token`. "
        "Five failed attempts a minute per account (however it is spelled), fifty per client address; "
        "a successful sign-in costs nothing.",
        request=LoginInputSerializer,
        responses={200: MFAStepOutputSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = LoginInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        identifier = data.get("email") or data["username"]
        user = users.auth_login(identifier=identifier, password=data["password"])
        return Response(MFAStepOutputSerializer(mfa_login.mfa_login_start(user=user)).data)


class RefreshView(PublicAPIView):
    extra_error_statuses = (401,)

    @extend_schema(
        summary="Rotate a refresh token",
        description="Returns a new token pair; the refresh token sent is spent. Sending a spent one "
        "again revokes every token of that login.",
        request=RefreshInputSerializer,
        responses={200: TokenPairOutputSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = RefreshInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        pair = tokens.token_refresh(refresh_token=given.validated_data["refresh_token"])
        return Response(TokenPairOutputSerializer(pair).data)


class LogoutView(APIView):
    @extend_schema(
        summary="Sign out",
        description="Revokes the access token presented at once, and the refresh token (with its "
        "login's whole family) when given.",
        request=LogoutInputSerializer,
        responses={204: None},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = LogoutInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        tokens.auth_logout(
            user=request.user, access_token=request.auth, refresh_token=given.validated_data.get("refresh_token")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    domain_errors = {"PATCH": (AlreadyExists,)}

    @extend_schema(summary="Your profile", responses={200: UserOutputSerializer}, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(request.user).data)

    @extend_schema(
        summary="Change your profile",
        request=MeInputSerializer,
        responses={200: UserOutputSerializer},
        tags=["auth"],
    )
    def patch(self, request: Request) -> Response:
        given = MeInputSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        user = users.user_update(user=request.user, **given.validated_data)
        return Response(UserOutputSerializer(user).data)


class CsrfTokenView(PublicAPIView):
    @extend_schema(
        summary="CSRF token for session (browser) clients",
        responses={200: CsrfTokenOutputSerializer},
        tags=["auth"],
    )
    def get(self, request: Request) -> Response:
        return Response(CsrfTokenOutputSerializer({"csrf_token": get_token(request)}).data)
