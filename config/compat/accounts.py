"""The seeds' account paths (sign-up, sign-in, passwords, second factors, SSO) as aliases of `accounts.api`.

Seed 000 gives no base URL, so its `/auth/*` paths are served at the root; seeds 002 and 003 document
`/api/v1/`, seed 004 `/api/`. Each alias's deviations are stated here once and published in the schema;
docs/COMPATIBILITY.md tabulates them.
"""

from typing import Any

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import sso as accounts_sso
from accounts.api import mfa, passkeys, passwords, sso, views
from accounts.api.serializers import MFAStepOutputSerializer
from accounts.exceptions import LastDeviceError
from accounts.models import MFAChallenge, MFAMethod
from accounts.services import mfa as mfa_services
from config.compat.base import SeedAlias, seed_alias
from core.exceptions import ResourceNotFound, ValidationFailed
from core.fields import StrictCharField

MFA_STEP = (
    "MFA is mandatory, so a correct password answers with the second step (`mfa_required`, `mfa_token`, "
    "`methods`), never with tokens; `POST /api/v1/auth/login/mfa` (or the passkey steps) returns the token pair. "
    "An account without a second factor gets 401 `MFA_REQUIRED` with an `enrollment_token`."
)
ENROLL_FIRST = "The answer adds an `enrollment_token`: the account must enroll a second factor before it can sign in."
# Seed 002's two-factor endpoints take no method: its second factor is an authenticator app.
SEED_002_METHOD = MFAMethod.TOTP


# --- Sign-in by password: seed 002 and seed 004 read the account's id from the answer ----------------


class SeedLoginOutputSerializer(MFAStepOutputSerializer):
    user_id = serializers.UUIDField(help_text="The account the password proved.")


class SeedLoginView(SeedAlias, views.LoginView):
    canonical = "POST /api/v1/auth/login"
    deviations = MFA_STEP + " Adds `user_id`, the account the password proved."
    schema_overrides = {"responses": {200: SeedLoginOutputSerializer}}

    def seed_body(self, body: dict[str, Any]) -> dict[str, Any]:
        challenge = mfa_services.mfa_challenge_get(token=body["mfa_token"], purpose=MFAChallenge.Purpose.LOGIN)
        return {**body, "user_id": challenge.user_id}


class Seed002JwtLoginView(SeedLoginView):
    seed = "002"
    deviations = SeedLoginView.deviations + " No `role`: roles belong to organization memberships."


class Seed004LoginView(SeedLoginView):
    seed = "004"


# --- Seed 004's sign-up answers `user_id`, `username`, `email` ----------------------------------------


class Seed004RegisterOutputSerializer(serializers.Serializer):
    user_id = serializers.UUIDField()
    username = serializers.CharField()
    email = serializers.EmailField()
    enrollment_token = serializers.CharField(help_text="Short-lived; can only enroll a second factor.")


class Seed004RegisterView(SeedAlias, views.RegisterView):
    seed = "004"
    canonical = "POST /api/v1/auth/register"
    deviations = ENROLL_FIRST
    # Still 201, as canonically: the seed documents the body, not the status.
    schema_overrides = {"responses": {201: Seed004RegisterOutputSerializer}}

    def seed_body(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"user_id": body["id"], **{name: body[name] for name in ("username", "email", "enrollment_token")}}


# --- Seed 002's two-factor router ---------------------------------------------------------------------


class TwoFactorSetupInputSerializer(mfa.EnrollInputSerializer):
    method = serializers.ChoiceField(choices=mfa.ENROLL_METHOD_CHOICES, default=SEED_002_METHOD)


class TwoFactorVerifyInputSerializer(mfa.ConfirmInputSerializer):
    method = serializers.ChoiceField(choices=mfa.ENROLL_METHOD_CHOICES, default=SEED_002_METHOD)


class Seed002TwoFactorSetupView(SeedAlias, mfa.EnrollView):
    seed = "002"
    canonical = "POST /api/v1/auth/mfa/enroll"
    deviations = f"`method` is optional and defaults to `{SEED_002_METHOD}` (an authenticator app)."
    request_defaults = {"method": SEED_002_METHOD}
    schema_overrides = {"request": TwoFactorSetupInputSerializer}


class Seed002TwoFactorVerifyView(SeedAlias, mfa.ConfirmView):
    seed = "002"
    canonical = "POST /api/v1/auth/mfa/confirm"
    deviations = (
        f"Confirms a factor being set up (`method` defaults to `{SEED_002_METHOD}`); the first one also returns "
        "the ten recovery codes. The sign-in's code goes to `POST /api/v1/auth/login/mfa`."
    )
    request_defaults = {"method": SEED_002_METHOD}
    schema_overrides = {"request": TwoFactorVerifyInputSerializer}


class Seed002BackupCodesView(SeedAlias, mfa.RecoveryCodesView):
    seed = "002"
    canonical = "POST /api/v1/auth/recovery-codes"
    methods = ("get",)
    deviations = "A GET, as the seed documents, that regenerates: the earlier codes stop working at once."

    @extend_schema(responses={200: mfa.RecoveryCodesOutputSerializer})
    def get(self, request: Request) -> Response:
        return self.post(request)


class TwoFactorDisableInputSerializer(serializers.Serializer):
    device_id = StrictCharField(
        max_length=64, required=False, help_text="The factor to remove; by default the one authenticator app."
    )


class Seed002TwoFactorDisableView(SeedAlias, mfa.DeviceDetailView):
    seed = "002"
    canonical = "DELETE /api/v1/auth/mfa/devices/{device_id}"
    deviations = (
        "MFA is mandatory: this removes one factor (the `device_id` given, or else the account's one authenticator "
        "app) and is refused with 422 `LAST_MFA_DEVICE` for the account's last one."
    )
    domain_errors = {"POST": (LastDeviceError,)}
    extra_error_statuses = (404, 422)

    @extend_schema(request=TwoFactorDisableInputSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        given = TwoFactorDisableInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        device_id = given.validated_data.get("device_id") or self._authenticator_app_id(request)
        return self.delete(request, device_id=device_id)

    @staticmethod
    def _authenticator_app_id(request: Request) -> str:
        devices = mfa_services.user_devices(user=request.user)
        found = [device for device in devices if mfa_services.device_method(device) == SEED_002_METHOD]
        if not found:
            raise ResourceNotFound("This account has no authenticator app: send the `device_id` to remove.")
        if len(found) > 1:  # removing one of several by guess could take the one the user still holds
            raise ValidationFailed(errors={"device_id": ["This account has several authenticator apps: name one."]})
        return str(found[0].pk)


# --- Seed 003's single sign-on names no provider --------------------------------------------------------


class SeedSSOLoginInputSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=sso.PROVIDERS, required=False)


class Seed003SSOLoginView(SeedAlias, sso.SSOLoginView):
    seed = "003"
    canonical = "GET /api/v1/auth/sso/{provider}/login"
    methods = ("get",)
    deviations = (
        "The provider is the one this server has configured, or `provider` when it has several. The browser "
        "comes back to `redirect_uri` with `#mfa_token=...&methods=...` (or `#enrollment_token=...`), not tokens: "
        "MFA is mandatory, and `POST /api/v1/auth/login/mfa` returns the token pair."
    )
    extra_error_statuses = (404, 422, 503)

    @extend_schema(
        parameters=[
            OpenApiParameter("redirect_uri", OpenApiTypes.URI, OpenApiParameter.QUERY, required=True),
            OpenApiParameter("provider", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=sso.PROVIDERS),
            OpenApiParameter(
                "Location", OpenApiTypes.URI, OpenApiParameter.HEADER, response=[302], description="The provider."
            ),
        ],
        responses={302: OpenApiResponse(description="To the provider's sign-in page.")},
    )
    def get(self, request: Request) -> HttpResponse:
        given = SeedSSOLoginInputSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        return super().get(request, provider=given.validated_data.get("provider") or self._configured(request))

    @staticmethod
    def _configured(request: Request) -> str:
        configured = []
        for name in sso.PROVIDERS:
            try:
                accounts_sso.sso_provider_get(request=request._request, name=name)
            except ResourceNotFound:
                continue
            configured.append(name)
        if not configured:
            raise ResourceNotFound("No single sign-on provider is configured.")
        if len(configured) > 1:
            named = ", ".join(configured)
            raise ValidationFailed(errors={"provider": [f"Several providers are configured: name one of {named}."]})
        return configured[0]


# --- The routes -----------------------------------------------------------------------------------------

urlpatterns = [
    # Seed 000, at the root.
    path(
        "auth/register",
        seed_alias(
            views.RegisterView, seed="000", canonical="POST /api/v1/auth/register", deviations=ENROLL_FIRST
        ).as_view(),
        name="seed000-auth-register",
    ),
    path(
        "auth/login",
        seed_alias(views.LoginView, seed="000", canonical="POST /api/v1/auth/login", deviations=MFA_STEP).as_view(),
        name="seed000-auth-login",
    ),
    path(
        "auth/logout",
        seed_alias(views.LogoutView, seed="000", canonical="POST /api/v1/auth/logout").as_view(),
        name="seed000-auth-logout",
    ),
    path(
        "auth/password-reset",
        seed_alias(passwords.PasswordResetView, seed="000", canonical="POST /api/v1/auth/password-reset").as_view(),
        name="seed000-auth-password-reset",
    ),
    path(
        "auth/reset-password",
        seed_alias(
            passwords.PasswordResetConfirmView, seed="000", canonical="POST /api/v1/auth/reset-password"
        ).as_view(),
        name="seed000-auth-reset-password",
    ),
    # Seed 002, under /api/v1/ (its refresh, logout, csrf-token, change- and reset-password paths are canonical).
    path("api/v1/auth/jwt/login", Seed002JwtLoginView.as_view(), name="seed002-auth-jwt-login"),
    path(
        "api/v1/auth/forgot-password",
        seed_alias(passwords.PasswordResetView, seed="002", canonical="POST /api/v1/auth/password-reset").as_view(),
        name="seed002-auth-forgot-password",
    ),
    path("api/v1/2fa/setup", Seed002TwoFactorSetupView.as_view(), name="seed002-2fa-setup"),
    path("api/v1/2fa/verify", Seed002TwoFactorVerifyView.as_view(), name="seed002-2fa-verify"),
    path("api/v1/2fa/backup-codes", Seed002BackupCodesView.as_view(), name="seed002-2fa-backup-codes"),
    path("api/v1/2fa/disable", Seed002TwoFactorDisableView.as_view(), name="seed002-2fa-disable"),
    *[
        path(
            f"api/v1/webauthn/{step}",
            seed_alias(view, seed="002", canonical=f"POST /api/v1/auth/webauthn/{step}").as_view(),
            name=f"seed002-webauthn-{step.replace('/', '-')}",
        )
        for step, view in (
            ("register/begin", passkeys.RegisterBeginView),
            ("register/complete", passkeys.RegisterCompleteView),
            ("authenticate/begin", passkeys.AuthenticateBeginView),
            ("authenticate/complete", passkeys.AuthenticateCompleteView),
        )
    ],
    # Seed 003, under /api/v1/ (its register, login, refresh and logout paths are canonical).
    path("api/v1/auth/sso/login", Seed003SSOLoginView.as_view(), name="seed003-auth-sso-login"),
    # Seed 004, under /api/.
    path("api/auth/register", Seed004RegisterView.as_view(), name="seed004-auth-register"),
    path("api/auth/login", Seed004LoginView.as_view(), name="seed004-auth-login"),
]
