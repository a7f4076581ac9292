from django.urls import path

from accounts.api import mfa, views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("auth/csrf-token", views.CsrfTokenView.as_view(), name="auth-csrf-token"),
    path("auth/login/mfa", mfa.LoginMFAView.as_view(), name="auth-login-mfa"),
    path("auth/login/mfa/send-code", mfa.LoginCodeSendView.as_view(), name="auth-login-mfa-send-code"),
    path("auth/mfa/enroll", mfa.EnrollView.as_view(), name="auth-mfa-enroll"),
    path("auth/mfa/confirm", mfa.ConfirmView.as_view(), name="auth-mfa-confirm"),
    path("auth/mfa/devices", mfa.DeviceListView.as_view(), name="auth-mfa-devices"),
    path("auth/mfa/devices/<uuid:device_id>", mfa.DeviceDetailView.as_view(), name="auth-mfa-device-detail"),
    path("auth/recovery-codes", mfa.RecoveryCodesView.as_view(), name="auth-recovery-codes"),
]
