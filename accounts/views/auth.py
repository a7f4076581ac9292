"""Dashboard pages for signing up, in and out. They call the same services as the API.

Neither page signs anyone in: a correct password leads to the second-factor step and a new account to
enrolling its first factor (`accounts.views.mfa`), which alone start a session.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm, RegisterForm
from accounts.services import users
from accounts.views.mfa import enrollment_redirect, mfa_step_redirect
from core.exceptions import BastionError, RateLimitExceeded
from core.pages import form_errors_add


def _after_login_url(request: HttpRequest) -> str:
    """The page that sent the visitor to sign in, when it is on this site; home otherwise."""
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def login_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None)
    refusal: BastionError | None = None
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        try:
            user = users.auth_login(identifier=identifier, password=form.cleaned_data["password"])
        except BastionError as error:
            form_errors_add(form, error)
            refusal = error
        else:
            return mfa_step_redirect(request, user=user, next_url=_after_login_url(request))
    status = 429 if isinstance(refusal, RateLimitExceeded) else 400 if form.errors else 200
    return render(request, "accounts/login.html", {"form": form}, status=status)


def register_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_up = users.user_sign_up(**form.cleaned_data)
        except BastionError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Your account is created. Now protect it with a second factor.")
            return enrollment_redirect(request, token=sign_up.enrollment_token, next_url=_after_login_url(request))
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("login")


@login_required
def home_page(request: HttpRequest) -> HttpResponse:
    context = {
        "api_login_url": request.build_absolute_uri(reverse("auth-login")),
        "api_login_mfa_url": request.build_absolute_uri(reverse("auth-login-mfa")),
    }
    return render(request, "accounts/home.html", context)
