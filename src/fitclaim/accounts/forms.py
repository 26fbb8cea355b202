"""Forms for signing in and for the settings page. They check input; the services
in services.py make the change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm

from fitclaim.accounts.models import ApiToken, Organization, Role, User
from fitclaim.accounts.services import STAFF_ROLES
from fitclaim.accounts.validators import normalize_ein

STAFF_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value in STAFF_ROLES]


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with the email address. The field keeps Django's name `username`
    so the login throttle (axes) and Django's login view need no special case."""

    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account. "
        "Passwords are case-sensitive.",
    }

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            # People sign in with their email; Django authenticates by username.
            username = (
                User.objects.filter(email__iexact=email).values_list("username", flat=True).first()
            ) or email
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ProfileForm(forms.Form):
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")
    email = forms.EmailField(
        label="Email",
        help_text="You sign in with this address, and password-reset links go to it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        label="Token name",
        help_text="What will use it, such as “EHR sync” or “reporting script”.",
    )


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "address", "phone", "tax_id", "group_npi"]
        labels = {"tax_id": "Tax id (EIN)", "group_npi": "Group NPI"}
        help_texts = {
            "name": "The billing name printed on receipts, superbills and claims.",
            "tax_id": "9 digits, written NN-NNNNNNN.",
            "group_npi": "Optional. Needed only to send 837P claims to insurers yourself.",
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_tax_id(self) -> str:
        return normalize_ein(self.cleaned_data.get("tax_id", ""))

    def clean_group_npi(self) -> str:
        return self.cleaned_data.get("group_npi", "").strip()


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")
    role = forms.ChoiceField(
        choices=STAFF_ROLE_CHOICES,
        initial=Role.TRAINER,
        help_text="Admins manage users, settings and the audit log; billing sees every client "
        "and builds claims; trainers see the clients assigned to them.",
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES, label="Role")
