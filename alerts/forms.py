"""Page forms of alerts. They check shape only; `notification_settings_update` decides, as for the API."""

from typing import Any

from django import forms

from alerts.models import NotificationSettings
from alerts.notifications import webhook_url_hint
from organizations.roles import Role
from scans.models import SEVERITY_CHOICES


class NotificationSettingsForm(forms.Form):
    min_severity = forms.ChoiceField(
        label="Lowest severity to send",
        choices=SEVERITY_CHOICES,
        help_text="Alerts below it stay in the inbox only.",
    )
    email_enabled = forms.BooleanField(label="Email alerts", required=False)
    email_roles = forms.MultipleChoiceField(
        label="Email these roles",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each member with a chosen role gets one email per batch of alerts.",
    )
    webhook_enabled = forms.BooleanField(label="Post alerts to the webhook", required=False)
    # Write-only, as in the API: the stored URL is a credential and is never rendered back.
    webhook_url = forms.CharField(
        label="Webhook URL",
        max_length=2000,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "input-wide"}),
    )
    webhook_url_remove = forms.BooleanField(label="Remove the stored webhook URL", required=False)

    def __init__(self, *args: Any, current: NotificationSettings, **kwargs: Any) -> None:
        initial = {
            "min_severity": current.min_severity,
            "email_enabled": current.email_enabled,
            "email_roles": current.email_roles,
            "webhook_enabled": current.webhook_enabled,
        }
        super().__init__(*args, initial=initial, **kwargs)
        # Scheme and host only, as the API shows it: enough to recognise the URL, not to post to it.
        self.webhook_hint = webhook_url_hint(current.webhook_url)
        if self.webhook_hint:
            self.fields["webhook_url"].help_text = f"Set: {self.webhook_hint} Type a new one to replace it, or keep it."
        else:
            self.fields["webhook_url"].help_text = "A Slack-compatible incoming webhook, https on a public host."
            del self.fields["webhook_url_remove"]

    def changes(self) -> dict[str, object]:
        """What to hand the service: a blank URL keeps the stored one, and only the checkbox removes it."""
        data = dict(self.cleaned_data)
        url = data.pop("webhook_url").strip()
        if data.pop("webhook_url_remove", False):
            data["webhook_url"] = ""
        elif url:
            data["webhook_url"] = url
        return data
