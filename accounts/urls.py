from django.urls import path

from accounts.views import auth as views
from accounts.views import mfa, passkeys, passwords, security

urlpatterns = [
    path("", views.home_page, name="home"),
    path("login/", views.login_page, name="login"),
    path("register/", views.register_page, name="register"),
    path("logout/", views.logout_page, name="logout"),
    path("login/verify/", mfa.login_verify_page, name="login-verify"),
    path("login/verify/send/", mfa.login_code_send, name="login-code-send"),
    path("mfa/enroll/", mfa.enroll_page, name="mfa-enroll"),
    path("account/security/", security.security_page, name="security"),
    path("account/security/devices/<str:device_id>/remove/", security.device_remove, name="security-device-remove"),
    path("passkeys/register/options/", passkeys.passkey_register_options, name="passkey-register-options"),
    path("passkeys/register/", passkeys.passkey_register, name="passkey-register"),
    path("login/verify/passkey/options/", passkeys.passkey_login_options, name="login-passkey-options"),
    path("login/verify/passkey/", passkeys.passkey_login, name="login-passkey"),
    path("account/security/recovery-codes/", security.recovery_codes_regenerate, name="security-recovery-codes"),
    path("password-reset/", passwords.password_reset_page, name="password-reset"),
    path("password-reset/sent/", passwords.password_reset_sent_page, name="password-reset-sent"),
    path("password-reset/<str:token>/", passwords.password_reset_confirm_page, name="password-reset-confirm"),
    path("account/password/", passwords.password_change_page, name="password-change"),
]
