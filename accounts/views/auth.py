"""Dashboard pages for signing up, in and out. They call the same services as the API."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm, RegisterForm
from accounts.services import users
from config.api.exceptions import BastionError


def _form_errors_from(form: LoginForm | RegisterForm, error: BastionError) -> None:
    """Show a service's error on the form: per field when it names fields, on the form otherwise."""
    if error.errors:
        for field, reasons in error.errors.items():
            for reason in reasons:
                form.add_error(field if field in form.fields else None, reason)
    else:
        form.add_error(None, str(error.detail))


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
    if request.method == "POST" and form.is_valid():
        try:
            user = users.auth_login(
                identifier=form.cleaned_data["identifier"], password=form.cleaned_data["password"], request=request
            )
        except BastionError as error:
            _form_errors_from(form, error)
        else:
            login(request, user, backend="accounts.backends.EmailOrUsernameBackend")
            return redirect(_after_login_url(request))
    return render(request, "accounts/login.html", {"form": form}, status=400 if form.errors else 200)


def register_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = users.user_register(**form.cleaned_data)
        except BastionError as error:
            _form_errors_from(form, error)
        else:
            login(request, user, backend="accounts.backends.EmailOrUsernameBackend")
            messages.success(request, "Welcome to Bastion. Your account is ready.")
            return redirect("home")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("login")


@login_required
def home_page(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"api_login_url": request.build_absolute_uri(reverse("auth-login"))})
