"""Dashboard passkey steps, driven by static/js/passkeys.js.

The script fetches the options from a small JSON view (session + CSRF header), lets the browser sign
them, then posts the answer as an ordinary form to the second view, which ends like the code steps:
a signed-in session, the recovery codes page, or a message. The session supplies who is asking (the
signed-in user, the enrollment token, or the sign-in step's `mfa_token`); the client never names it.
"""

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.exceptions import MFAChallengeInvalid
from accounts.services import passkeys
from accounts.views.mfa import LOGIN_TOKEN, back_to_login, enroll_done, enrolling_user, session_login_complete
from config.api.exceptions import error_json
from core.exceptions import BastionError, NotAuthenticated, RateLimitExceeded, ValidationFailed

NAME_MAX = 64


def _posted_credential(request: HttpRequest) -> dict[str, Any]:
    try:
        credential = json.loads(request.POST.get("credential", ""))
    except ValueError:
        credential = None
    if not isinstance(credential, dict):
        raise ValidationFailed("The browser sent no passkey: try again.")
    return credential


@never_cache
@require_POST
def passkey_register_options(request: HttpRequest) -> JsonResponse:
    user, _ = enrolling_user(request)
    if user is None:
        return error_json(NotAuthenticated("Sign in to add a passkey."))
    return JsonResponse({"options": passkeys.passkey_register_begin(user=user)})


@require_POST
def passkey_register(request: HttpRequest) -> HttpResponse:
    user, token = enrolling_user(request)
    if user is None:
        messages.info(request, "That setup link has expired. Sign in to continue.")
        return redirect("login")
    name = request.POST.get("name", "").strip()[:NAME_MAX] or "Passkey"
    try:
        credential = _posted_credential(request)
        enrollment = passkeys.passkey_register_complete(
            user=user, credential=credential, name=name, enrollment_token=token
        )
    except BastionError as error:
        messages.error(request, str(error.detail))
        return redirect("mfa-enroll" if token else "security")
    return enroll_done(request, user, enrollment)


@never_cache
@require_POST
def passkey_login_options(request: HttpRequest) -> JsonResponse:
    token = request.session.get(LOGIN_TOKEN)
    if not token:
        return error_json(MFAChallengeInvalid("Sign in with your password first."))
    try:
        return JsonResponse({"options": passkeys.passkey_authenticate_begin(token=token)})
    except BastionError as error:
        return error_json(error)


@require_POST
def passkey_login(request: HttpRequest) -> HttpResponse:
    token = request.session.get(LOGIN_TOKEN)
    if not token:
        messages.info(request, "Sign in with your password first.")
        return redirect("login")
    try:
        user = passkeys.passkey_authenticate_complete(token=token, credential=_posted_credential(request))
    except (MFAChallengeInvalid, RateLimitExceeded) as error:
        return back_to_login(request, error)
    except BastionError as error:
        messages.error(request, str(error.detail))
        return redirect("login-verify")
    return redirect(session_login_complete(request, user))
