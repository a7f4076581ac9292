"""Dashboard pages to reset a forgotten password and to change one. They call the same services as the API."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from accounts.exceptions import PasswordResetInvalid, WeakPassword, WrongPassword
from accounts.forms import RegisterForm
from accounts.links import reset_link_base
from accounts.services import passwords
from core.exceptions import BastionError, RateLimitExceeded
from core.pages import form_errors_add


class PasswordResetForm(forms.Form):
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class PasswordSetForm(forms.Form):
    new_password = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=RegisterForm.base_fields["password"].help_text,
    )
    new_password_confirm = forms.CharField(
        label="New password, again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_confirm"):
            self.add_error("new_password_confirm", "The two passwords differ.")
        return data


class PasswordChangeForm(PasswordSetForm):
    old_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["old_password", "new_password", "new_password_confirm"]


def password_reset_page(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.password_reset_request(email=form.cleaned_data["email"], link_base=reset_link_base(request))
        except RateLimitExceeded as error:
            form_errors_add(form, error)
            return render(request, "accounts/password_reset.html", {"form": form}, status=429)
        else:
            return redirect("password-reset-sent")
    return render(request, "accounts/password_reset.html", {"form": form}, status=400 if form.errors else 200)


def password_reset_sent_page(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


@never_cache
def password_reset_confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    form = PasswordSetForm(request.POST or None)
    try:
        if request.method == "POST" and form.is_valid():
            try:
                passwords.password_reset_confirm(token=token, new_password=form.cleaned_data["new_password"])
            except WeakPassword as error:
                form_errors_add(form, error)
            else:
                messages.success(request, "Your password has been reset. Sign in with your new password.")
                return redirect("login")
        else:
            passwords.password_reset_token_check(token=token)
    except PasswordResetInvalid as error:
        response = render(request, "accounts/password_reset_invalid.html", {"message": error.detail}, status=400)
    else:
        response = render(
            request, "accounts/password_reset_confirm.html", {"form": form}, status=400 if form.errors else 200
        )
    # The token is in this page's address: never hand it to another site in a Referer header.
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def password_change_page(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            passwords.password_change(
                user=request.user,
                old_password=data["old_password"],
                new_password=data["new_password"],
            )
        except WrongPassword as error:
            form.add_error("old_password", str(error.detail))
        except BastionError as error:
            form_errors_add(form, error)
        else:
            # This browser stays signed in; other browsers and every API refresh token are signed out.
            update_session_auth_hash(request, request.user)
            messages.success(request, "Your password has been changed. Apps using the API must sign in again with it.")
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form}, status=400 if form.errors else 200)
