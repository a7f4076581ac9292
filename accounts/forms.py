from django import forms


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label="Email or username",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class RegisterForm(forms.Form):
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    username = forms.CharField(
        label="Username", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    full_name = forms.CharField(
        label="Full name", max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, not a common password, "
        "mixing three of: lower case, upper case, digits, symbols.",
    )


class MFACodeForm(forms.Form):
    code = forms.CharField(
        label="Authentication code",
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "class": "code-input",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        # Apps show codes as "123 456"; the devices compare digits only.
        return self.cleaned_data["code"].replace(" ", "").replace("-", "")


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=32,
        help_text="One of the ten codes you saved when you set up your account, like abcde-23456.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "class": "code-input", "spellcheck": "false"}
        ),
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label="Mobile number",
        max_length=20,
        help_text="In international form, starting with + and the country code, e.g. +447700900123.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}),
    )
