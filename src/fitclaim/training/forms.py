"""Forms for session pages. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from fitclaim.clients.forms import DateInput
from fitclaim.domain.service_codes import CATALOG, DEFAULT_CODE
from fitclaim.training.models import SessionStatus
from fitclaim.training.services import WEEKDAY_NAMES

CODE_CHOICES = [(entry.code, entry.label) for entry in CATALOG.values()]
CODE_HELP = (
    "97110, 97112, 97530 and 97750 may be billed only by a licensed physical or "
    "occupational therapist (or a physician)."
)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class _SessionFields(forms.Form):
    trainer = forms.ModelChoiceField(queryset=None, empty_label=None)
    facility = forms.ModelChoiceField(queryset=None, required=False, empty_label="No facility")
    minutes = forms.IntegerField(min_value=1, max_value=1440, initial=60, label="Length (minutes)")
    code = forms.ChoiceField(
        choices=CODE_CHOICES, initial=DEFAULT_CODE, label="Service code", help_text=CODE_HELP
    )
    units = forms.IntegerField(
        min_value=1,
        max_value=99,
        required=False,
        help_text="Leave blank to use what the code and length call for.",
    )
    charge = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, help_text="In dollars, for example 85.00."
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, trainers: Any, facilities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = trainers  # type: ignore[attr-defined]
        self.fields["facility"].queryset = facilities  # type: ignore[attr-defined]


class SessionForm(_SessionFields):
    date = forms.DateField(widget=DateInput())
    start_time = forms.TimeField(required=False, widget=TimeInput(), label="Start time")
    status = forms.ChoiceField(
        choices=[
            ("", "Automatic: attended if today or earlier, else scheduled"),
            *SessionStatus.choices,
        ],
        required=False,
    )
    field_order = [
        "date",
        "start_time",
        "minutes",
        "trainer",
        "facility",
        "code",
        "units",
        "charge",
        "status",
        "notes",
    ]

    @classmethod
    def initial_for(cls, session: Any) -> dict[str, Any]:
        return {
            "date": session.date,
            "start_time": session.start_time,
            "minutes": session.minutes,
            "trainer": session.trainer_id,
            "facility": session.facility_id,
            "code": session.code,
            "units": session.units,
            "charge": session.charge,
            "status": session.status,
            "notes": session.notes,
        }


class ScheduleForm(_SessionFields):
    starts_on = forms.DateField(widget=DateInput(), label="First day")
    weekdays = forms.TypedMultipleChoiceField(
        choices=list(WEEKDAY_NAMES.items()),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Days of the week",
    )
    start_time = forms.TimeField(widget=TimeInput(), label="Start time")
    weeks = forms.IntegerField(min_value=1, max_value=104, initial=12, label="For how many weeks")
    field_order = [
        "starts_on",
        "weekdays",
        "start_time",
        "weeks",
        "minutes",
        "trainer",
        "facility",
        "code",
        "units",
        "charge",
        "notes",
    ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, header line first. Columns: date, client, trainer, code, charge, and "
        "optionally time, minutes, units, status, facility, notes, external_id.",
    )
