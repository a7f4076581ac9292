"""Emails about the account's own security: codes, and notices of what just happened to it."""

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail


class Recipient(Protocol):
    """The account an email is for. A protocol, not the model: the models send through this module."""

    email: str


def mfa_code_email_send(*, user: Recipient, code: str) -> None:
    # Sent at once, not through a task: the code must not sit in the broker, and the user is waiting for it.
    send_mail(
        subject="Your Bastion sign-in code",
        message=f"Your Bastion code is {code}. It expires in 10 minutes.\n\n"
        "If you did not try to sign in, change your password: someone knows it.",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def security_notice_email_send(*, user: Recipient, subject: str, message: str) -> None:
    send_mail(
        subject=f"Bastion security notice: {subject}",
        message=f"{message}\n\nIf this was not you, reset your password and review your devices at once.",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
