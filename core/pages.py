"""What dashboard pages share: showing a service's error on a form."""

from django import forms

from core.exceptions import BastionError


def form_errors_add(form: forms.Form, error: BastionError) -> None:
    """Show a service's error on the form: per field when it names fields, on the form otherwise."""
    if error.errors:
        for field, reasons in error.errors.items():
            for reason in reasons:
                form.add_error(field if field in form.fields else None, reason)
    else:
        form.add_error(None, str(error.detail))
