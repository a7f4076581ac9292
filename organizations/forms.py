"""Page forms of organizations. They check shape only; the services decide (core.pages shows their errors)."""

from typing import Any

from django import forms

from organizations.roles import Role, Scope

COUNTRY_HELP = "Two letters (ISO 3166), e.g. DE or US."


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=120, widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    slug = forms.CharField(
        max_length=50,
        help_text="Lower-case letters, digits and hyphens; used in links and to confirm deletion.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none", "data-slug-from": "id_name"}),
    )
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000})
    )
    industry = forms.CharField(max_length=80, required=False)
    country = forms.CharField(
        max_length=2, required=False, help_text=COUNTRY_HELP, widget=forms.TextInput(attrs={"class": "input-short"})
    )

    def clean_country(self) -> str:
        return self.cleaned_data["country"].upper()


class OrganizationDeleteForm(forms.Form):
    confirm = forms.CharField(
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )

    def __init__(self, *args: Any, slug: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = f"Type {slug} to confirm"
        # organizations.js enables the button once the text matches; the service checks it regardless.
        self.fields["confirm"].widget.attrs["data-confirm-value"] = slug


class InvitationForm(forms.Form):
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class MembershipRemoveForm(forms.Form):
    revoke_api_keys = forms.BooleanField(required=False)


class ApiKeyRevokeForm(forms.Form):
    all_by_creator = forms.BooleanField(required=False)


EXPIRY_CHOICES = [("", "Never"), ("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year")]


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Where the key is used, e.g. “CI pipeline”, so you recognise it later."
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        help_text="A key never manages the organization: it reads, submits scans or uses chat.",
    )
    expires_in = forms.TypedChoiceField(
        label="Expires", choices=EXPIRY_CHOICES, required=False, coerce=int, empty_value=None
    )
