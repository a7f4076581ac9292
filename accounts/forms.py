from django import forms


class LoginForm(forms.Form):
    identifier = forms.CharField(label="Email or username", max_length=254)
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)


class RegisterForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    username = forms.CharField(label="Username", max_length=150)
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput,
        help_text="At least 12 characters, not a common password, mixing three of: lower case, upper case, digits, symbols.",
    )
