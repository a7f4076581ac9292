from django.urls import path

from accounts.api import mfa, passkeys, passwords, security_events, sso, views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("auth/csrf-token", views.CsrfTokenView.as_view(), name="auth-csrf-token"),
    path("auth/password-reset", passwords.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/reset-password", passwords.PasswordResetConfirmView.as_view(), name="auth-reset-password"),
    path("auth/change-password", passwords.PasswordChangeView.as_view(), name="auth-change-password"),
    path("auth/login/mfa", mfa.LoginMFAView.as_view(), name="auth-login-mfa"),
    path("auth/login/mfa/send-code", mfa.LoginCodeSendView.as_view(), name="auth-login-mfa-send-code"),
    path("auth/mfa/enroll", mfa.EnrollView.as_view(), name="auth-mfa-enroll"),
    path("auth/mfa/confirm", mfa.ConfirmView.as_view(), name="auth-mfa-confirm"),
    path("auth/mfa/devices", mfa.DeviceListView.as_view(), name="auth-mfa-devices"),
    path("auth/mfa/devices/<str:device_id>", mfa.DeviceDetailView.as_view(), name="auth-mfa-device-detail"),
    path("auth/recovery-codes", mfa.RecoveryCodesView.as_view(), name="auth-recovery-codes"),
    path("auth/sso/<str:provider>/login", sso.SSOLoginView.as_view(), name="auth-sso-login"),
    path("auth/sso/complete", sso.SSOCompleteView.as_view(), name="auth-sso-complete"),
    path("auth/webauthn/register/begin", passkeys.RegisterBeginView.as_view(), name="auth-webauthn-register-begin"),
    path(
        "auth/webauthn/register/complete",
        passkeys.RegisterCompleteView.as_view(),
        name="auth-webauthn-register-complete",
    ),
    path(
        "auth/webauthn/authenticate/begin",
        passkeys.AuthenticateBeginView.as_view(),
        name="auth-webauthn-authenticate-begin",
    ),
    path(
        "auth/webauthn/authenticate/complete",
        passkeys.AuthenticateCompleteView.as_view(),
        name="auth-webauthn-authenticate-complete",
    ),
    path("auth/security-events", security_events.SecurityEventListView.as_view(), name="auth-security-events"),
]
