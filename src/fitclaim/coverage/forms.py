"""The as-of date the coverage pages are computed for."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from fitclaim.clients.forms import DateInput


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        widget=DateInput(),
        label="As of",
        required=False,
        help_text="The day the coverage is computed for; empty: today.",
    )

    def as_of_date(self) -> dt.date:
        """The chosen day (today when none); call after is_valid()."""
        return self.cleaned_data.get("as_of") or timezone.localdate()
