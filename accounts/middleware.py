"""No browser session counts as signed in until a second factor has been proven in it."""

import re
from collections.abc import Awaitable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts.views.mfa import MFA_VERIFIED, mfa_step_redirect
from config.api.paths import API_PATH_PREFIXES
from core.middleware import HybridMiddleware

# Paths that never carry a dashboard session or must stay reachable without one. The API
# authenticates each request with a Bearer token or API key, not with the session.
EXEMPT_PREFIXES = (*API_PATH_PREFIXES, "/health", "/docs", "/redoc", "/openapi.json")
# allauth's sign-in and provider callback URLs (`/accounts/login/`, `/accounts/github/login/callback/`,
# `/accounts/oidc/<id>/login/`): they start and finish an SSO sign-in, after which this gate asks for
# the second factor. allauth's other pages (emails, connected accounts) are gated like any page.
ALLAUTH_SIGN_IN = re.compile(r"^/accounts/(?:[\w.-]+/)*login/(?:callback/)?$")


class MFASessionGateMiddleware(HybridMiddleware):
    """Send a session signed in without a proven second factor to the MFA step.

    Our own pages set `mfa_verified` when they sign a browser in; a session that lacks it was started
    elsewhere (Django admin's login form, an SSO callback, a test's `force_login`). It is signed out at
    once, keeping only a single-use sign-in token, and sent to the code step (or to enrollment for an
    account without a factor), after which it returns to the page it asked for.
    """

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.async_mode:
            return self._acall(request)
        # The path first: exempt requests (health checks, the API) never load the session or the user.
        if self._exempt(request.path_info):
            return self.get_response(request)
        return self._gate(request) or self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        if self._exempt(request.path_info):
            return await self.get_response(request)
        # A page's session and user come from the database: read in a thread, not on the event loop.
        return await sync_to_async(self._gate)(request) or await self.get_response(request)

    @classmethod
    def _gate(cls, request: HttpRequest) -> HttpResponse | None:
        if request.user.is_authenticated and request.session.get(MFA_VERIFIED) is not True:
            return cls._second_step(request)
        return None

    @staticmethod
    def _exempt(path: str) -> bool:
        if path.startswith((*EXEMPT_PREFIXES, settings.STATIC_URL)):
            return True
        return path == reverse("logout") or bool(ALLAUTH_SIGN_IN.match(path))

    @staticmethod
    def _second_step(request: HttpRequest) -> HttpResponse:
        user = request.user
        # Only a page view is returned to afterwards: a form post is not replayed, nor a sign-in page.
        sign_in_pages = {reverse(name) for name in ("login", "login-verify", "mfa-enroll", "register")}
        returnable = request.method == "GET" and request.path_info not in sign_in_pages
        next_url = request.get_full_path() if returnable else reverse("home")
        logout(request)
        response = mfa_step_redirect(request, user=user, next_url=next_url)
        if request.headers.get("HX-Request"):
            # htmx would follow a redirect inside the page fragment; this makes it load the whole page.
            response = HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
        return response
