"""Dashboard pages for the second factor: the sign-in step and enrolling a factor.

A half-finished sign-in is never a signed-in session: the session holds only the single-use token the
services issued (`mfa_token` or `enrollment_token`), and `django.contrib.auth.login` runs once a factor
is proven, together with the `mfa_verified` flag that `MFASessionGateMiddleware` looks for.
"""

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.exceptions import MFAChallengeInvalid, MFACodeInvalid, MFARequired
from accounts.forms import MFACodeForm, PhoneForm, RecoveryCodeForm
from accounts.models import MFAMethod, TOTPDevice, User
from accounts.services import mfa, mfa_login
from core.exceptions import BastionError, RateLimitExceeded, ValidationFailed

MFA_VERIFIED = "mfa_verified"
LOGIN_TOKEN = "mfa_login_token"
LOGIN_METHODS = "mfa_login_methods"
ENROLL_TOKEN = "mfa_enroll_token"
NEXT_URL = "mfa_next"
PENDING_KEYS = (LOGIN_TOKEN, LOGIN_METHODS, ENROLL_TOKEN, NEXT_URL)

# How the pages word the code methods; passkeys are added and used by their own button
# (accounts.views.passkeys), and recovery codes by their own link.
SWITCH_LABELS = {
    MFAMethod.TOTP: "Use your authenticator app",
    MFAMethod.EMAIL: "Get a code by email",
    MFAMethod.SMS: "Get a code by text message",
}
TAB_LABELS = {MFAMethod.TOTP: "Authenticator app", MFAMethod.EMAIL: "Email", MFAMethod.SMS: "Text message"}


def pending_clear(request: HttpRequest) -> None:
    for key in PENDING_KEYS:
        request.session.pop(key, None)


def mfa_step_redirect(request: HttpRequest, *, user: User, next_url: str) -> HttpResponse:
    """Send someone whose first factor is proven on to the second: the code step, or enrollment."""
    pending_clear(request)
    try:
        started = mfa_login.mfa_login_start(user=user)
    except MFARequired as error:
        # No message here: the gate middleware runs before the messages middleware, and the
        # enrollment page explains itself.
        return enrollment_redirect(request, token=error.extra["enrollment_token"], next_url=next_url)
    request.session[LOGIN_TOKEN] = started.mfa_token
    request.session[LOGIN_METHODS] = started.methods
    request.session[NEXT_URL] = next_url
    return redirect("login-verify")


def enrollment_redirect(request: HttpRequest, *, token: str, next_url: str = "") -> HttpResponse:
    pending_clear(request)
    request.session[ENROLL_TOKEN] = token
    request.session[NEXT_URL] = next_url
    return redirect("mfa-enroll")


def session_login_complete(request: HttpRequest, user: User) -> str:
    """Sign the browser in after a proven second factor; returns where to go next."""
    next_url = request.session.get(NEXT_URL) or reverse("home")
    pending_clear(request)
    login(request, user, backend="accounts.backends.EmailOrUsernameBackend")
    request.session[MFA_VERIFIED] = True
    return next_url


def back_to_login(request: HttpRequest, error: BastionError) -> HttpResponse:
    pending_clear(request)
    messages.error(request, str(error.detail))
    return redirect("login")


# --- The sign-in step --------------------------------------------------------------------------------


@never_cache
def login_verify_page(request: HttpRequest) -> HttpResponse:
    token = request.session.get(LOGIN_TOKEN)
    if not token:
        messages.info(request, "Sign in with your password first.")
        return redirect("login")
    methods: list[str] = request.session.get(LOGIN_METHODS, [])
    factors = [method for method in methods if method in SWITCH_LABELS]
    recovery = request.GET.get("recovery") == "1"
    method = request.GET.get("method", "")
    if method not in factors:
        method = MFAMethod.TOTP if MFAMethod.TOTP in factors or not factors else factors[0]
    form = (RecoveryCodeForm if recovery else MFACodeForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = mfa_login.mfa_login_verify(
                token=token,
                code=form.cleaned_data.get("code", ""),
                recovery_code=form.cleaned_data.get("recovery_code", ""),
                method=None if recovery else method,
            )
        except MFACodeInvalid:
            form.add_error(None, "That code is wrong or has expired. Check it and try again.")
        except (MFAChallengeInvalid, RateLimitExceeded) as error:
            return back_to_login(request, error)
        else:
            return redirect(session_login_complete(request, user))
    verify_url = reverse("login-verify")
    switches = [(f"{verify_url}?method={m}", SWITCH_LABELS[m]) for m in factors if recovery or m != method]
    if not recovery and MFAMethod.RECOVERY_CODE in methods:
        switches.append((f"{verify_url}?recovery=1", "Use a recovery code"))
    context = {"form": form, "recovery": recovery, "method": method, "switches": switches, "MFAMethod": MFAMethod}
    context |= {"passkey": MFAMethod.WEBAUTHN in methods, "code_factor": bool(factors)}
    return render(request, "accounts/login_mfa.html", context, status=400 if form.errors else 200)


@require_POST
def login_code_send(request: HttpRequest) -> HttpResponse:
    token = request.session.get(LOGIN_TOKEN)
    method = request.POST.get("method", "")
    if not token:
        messages.info(request, "Sign in with your password first.")
        return redirect("login")
    if method not in mfa.CODE_METHODS:
        return redirect("login-verify")
    try:
        sent = mfa_login.mfa_login_code_send(token=token, method=method)
    except MFAChallengeInvalid as error:
        return back_to_login(request, error)
    except BastionError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, f"We sent a code to {sent.sent_to}. It expires in 10 minutes.")
    return redirect(f"{reverse('login-verify')}?method={method}")


# --- Enrolling a factor --------------------------------------------------------------------------------


def enrolling_user(request: HttpRequest) -> tuple[User | None, str]:
    """The signed-in user adding a factor, or the new account an enrollment token stands for."""
    if request.user.is_authenticated:
        # MFASessionGateMiddleware has already sent unverified sessions to the second step.
        return request.user, ""
    token = request.session.get(ENROLL_TOKEN, "")
    if not token:
        return None, ""
    try:
        return mfa.enrollment_user_get(token=token), token
    except BastionError:
        pending_clear(request)
        return None, ""


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _totp_setup(user: User) -> dict[str, Any]:
    """The authenticator app being set up: the pending one (so a reload shows the same key), or a new one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-created_at").first()
    if device is None:
        setup = mfa.mfa_enroll_begin(user=user, method=MFAMethod.TOTP).totp
    else:
        setup = mfa.totp_setup(device=device)
    return asdict(setup) | {"secret_grouped": _grouped(setup.secret)}


def _code_pending(user: User, method: str) -> bool:
    return mfa.DEVICE_MODELS[method].objects.filter(user=user, confirmed=False).exists()


def _enroll_send(request: HttpRequest, user: User, method: str) -> HttpResponse | PhoneForm:
    """Send the first code to the email address or phone being added: a redirect, or the refused phone form."""
    phone_form = PhoneForm(request.POST) if method == MFAMethod.SMS else None
    phone = ""
    if phone_form is not None:
        if not phone_form.is_valid():
            return phone_form
        phone = phone_form.cleaned_data["phone"]
    try:
        pending = mfa.mfa_enroll_begin(user=user, method=method, phone=phone)
    except ValidationFailed as error:
        if phone_form is None:
            raise
        for reason in (error.errors or {}).get("phone", [str(error.detail)]):
            phone_form.add_error("phone", reason)
        return phone_form
    except BastionError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, f"We sent a code to {pending.code_sent.sent_to}. It expires in 10 minutes.")
    return redirect(f"{reverse('mfa-enroll')}?method={method}")


def enroll_done(request: HttpRequest, user: User, enrollment: mfa.Enrollment) -> HttpResponse:
    """Where a proven factor leads: a signed-in session when it completed a sign-in, the codes when first."""
    next_url = session_login_complete(request, user) if enrollment.signed_in else reverse("security")
    codes = enrollment.recovery_codes
    if codes:
        return recovery_codes_render(request, codes=codes, continue_url=next_url, first_time=enrollment.signed_in)
    messages.success(request, f"{enrollment.device.name} added as a second factor.")
    return redirect(next_url)


def recovery_codes_render(
    request: HttpRequest, *, codes: list[str], continue_url: str, first_time: bool = False
) -> HttpResponse:
    """The codes, shown once: rendered into this response only, never stored anywhere in the clear."""
    context = {"codes": codes, "continue_url": continue_url, "first_time": first_time}
    return render(request, "accounts/recovery_codes.html", context)


@never_cache
def enroll_page(request: HttpRequest) -> HttpResponse:
    user, token = enrolling_user(request)
    if user is None:
        messages.info(request, "That setup link has expired. Sign in to continue.")
        return redirect("login")
    method = request.GET.get("method", MFAMethod.TOTP)
    method = method if method in mfa.DEVICE_MODELS else MFAMethod.TOTP
    code_form = MFACodeForm(request.POST if request.POST.get("action") == "confirm" else None)
    phone_form = PhoneForm() if method == MFAMethod.SMS else None
    if request.method == "POST" and request.POST.get("action") == "send" and method in mfa.CODE_METHODS:
        sent_or_refused = _enroll_send(request, user, method)
        if isinstance(sent_or_refused, HttpResponse):
            return sent_or_refused
        phone_form = sent_or_refused
    elif request.method == "POST" and code_form.is_valid():
        try:
            enrollment = mfa.mfa_enroll_confirm(
                user=user, method=method, code=code_form.cleaned_data["code"], enrollment_token=token
            )
        except MFAChallengeInvalid:
            pending_clear(request)
            messages.info(request, "That setup link has expired. Sign in to continue.")
            return redirect("login")
        except MFACodeInvalid:
            code_form.add_error("code", "That code is wrong or has expired. Check it and try again.")
        except ValidationFailed:
            messages.error(request, "That setup step has expired: start again.")
            return redirect(f"{reverse('mfa-enroll')}?method={method}")
        else:
            return enroll_done(request, user, enrollment)
    context = {
        "signup": bool(token),
        "method": method,
        "methods": TAB_LABELS,
        "MFAMethod": MFAMethod,
        "code_form": code_form,
        "phone_form": phone_form,
        "email": user.email,
        "totp": _totp_setup(user) if method == MFAMethod.TOTP else None,
        "code_sent": method in mfa.CODE_METHODS and _code_pending(user, method),
    }
    has_errors = code_form.errors or (phone_form is not None and phone_form.errors)
    return render(request, "accounts/mfa_enroll.html", context, status=400 if has_errors else 200)
