"""Single sign-on for API clients: a browser round trip that ends with a second-step token, never tokens."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from accounts import sso
from accounts.api.views import PublicAPIView
from core.fields import StrictCharField
from core.providers import ProviderUnavailable

PROVIDERS = ["google", "github", "oidc"]


class SSOLoginInputSerializer(serializers.Serializer):
    redirect_uri = StrictCharField(max_length=2000)

    def validate_redirect_uri(self, value: str) -> str:
        if not sso.redirect_uri_allowed(value):
            raise serializers.ValidationError("This redirect_uri is not on this server's allow-list.")
        return value


class SSOLoginView(PublicAPIView):
    domain_errors = {"GET": (ProviderUnavailable,)}
    extra_error_statuses = (422, 503)

    @extend_schema(
        summary="Sign in with a single sign-on provider",
        description="Open in the user's browser. After the provider, the browser is sent to `redirect_uri` "
        "with the result in the fragment: `#mfa_token=...&methods=totp,recovery_code` (continue with "
        "`auth/login/mfa`), `#enrollment_token=...` for an account without a second factor (continue with "
        "`auth/mfa/enroll`), or `#error=access_denied|provider_error|email_not_verified|account_inactive`. "
        "`redirect_uri` must be on the server's allow-list (`SSO_REDIRECT_URI_ALLOWLIST`). Accounts are "
        "matched by an email the provider has verified; a new one is created otherwise.",
        parameters=[
            OpenApiParameter("provider", OpenApiTypes.STR, OpenApiParameter.PATH, enum=PROVIDERS),
            OpenApiParameter("redirect_uri", OpenApiTypes.URI, OpenApiParameter.QUERY, required=True),
            OpenApiParameter(
                "Location", OpenApiTypes.URI, OpenApiParameter.HEADER, response=[302], description="The provider."
            ),
        ],
        responses={302: OpenApiResponse(description="To the provider's sign-in page.")},
        tags=["auth"],
    )
    def get(self, request: Request, provider: str) -> HttpResponse:
        found = sso.sso_provider_get(request=request._request, name=provider)
        given = SSOLoginInputSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        redirect_uri = given.validated_data["redirect_uri"]
        return sso.sso_api_login_begin(request=request._request, provider=found, redirect_uri=redirect_uri)


class SSOCompleteView(PublicAPIView):
    # Reached only by allauth's redirect at the end of an API sign-in, so not part of the published API.
    # The one API view that reads the session: the one allauth has just signed in.
    authentication_classes = [SessionAuthentication]

    @extend_schema(exclude=True)
    def get(self, request: Request) -> HttpResponse:
        return sso.sso_api_login_finish(request=request._request)
