"""Page forms of projects. Shape only: `projects.services` validates and decides."""

from typing import Any

from django import forms

from projects.models import Project


class ProjectForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000})
    )
    repo_type = forms.ChoiceField(label="Repository", choices=Project.RepoType.choices, initial=Project.RepoType.GITHUB)
    repo_url = forms.CharField(
        label="Repository URL",
        max_length=500,
        required=False,
        help_text="https://, ssh:// or git@host:path. Put credentials in the token, never in the URL.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none", "inputmode": "url"}),
    )
    github_token = forms.CharField(
        label="Access token",
        max_length=500,
        required=False,
        strip=True,
        help_text="Lets scans read a private repository. Stored encrypted and never shown again.",
        # Never rendered back: the page cannot reveal a saved token, and an empty field keeps it.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password", "spellcheck": "false"}),
    )
    is_public = forms.BooleanField(
        label="Public project", required=False, help_text="Public repositories need no token."
    )

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields for project_create/project_update; an empty token field changes nothing."""
        fields = dict(self.cleaned_data)
        if not fields.get("github_token"):
            fields.pop("github_token", None)
        return fields


class ProjectEditForm(ProjectForm):
    github_token_clear = forms.BooleanField(label="Remove the saved token", required=False)

    def __init__(self, *args: Any, has_token: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_token:
            self.fields["github_token"].help_text = "A token is set. Leave this empty to keep it, or enter a new one."
        else:
            del self.fields["github_token_clear"]

    def service_fields(self) -> dict[str, Any]:
        fields = super().service_fields()
        if fields.pop("github_token_clear", False):
            fields["github_token"] = ""
        return fields
