"""Letters of medical necessity: their lifecycle and what makes one complete.

Payers and account administrators reject a letter that misses an element, is
signed by the wrong kind of provider, or has lapsed. These rules decide, before
a letter is sent, whether it would pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class LetterStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_SIGNATURE = "awaiting_signature"
    SIGNED = "signed"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


S = LetterStatus

# Declined by the provider is not a status: the letter goes back to draft with the
# provider's comment.
TRANSITIONS: dict[LetterStatus, frozenset[LetterStatus]] = {
    S.DRAFT: frozenset({S.AWAITING_SIGNATURE, S.SIGNED}),
    S.AWAITING_SIGNATURE: frozenset({S.SIGNED, S.DRAFT}),
    S.SIGNED: frozenset({S.EXPIRED, S.REVOKED, S.SUPERSEDED}),
    S.EXPIRED: frozenset({S.SUPERSEDED}),
    S.REVOKED: frozenset(),
    S.SUPERSEDED: frozenset(),
}

WHY_NOT: dict[tuple[LetterStatus, LetterStatus], str] = {
    (S.SIGNED, S.DRAFT): "A signed letter cannot be edited: renew it to make a new version.",
    (S.SIGNED, S.AWAITING_SIGNATURE): "This letter is already signed.",
    (S.SIGNED, S.SIGNED): "This letter is already signed.",
    (S.DRAFT, S.EXPIRED): "Only a signed letter can expire.",
    (S.DRAFT, S.REVOKED): "A draft is not in force: delete or edit it instead of revoking.",
    (
        S.AWAITING_SIGNATURE,
        S.REVOKED,
    ): "Cancel the signature request instead: the letter is not signed.",
}


def status_label(status: LetterStatus) -> str:
    return status.value.replace("_", " ")


class IllegalTransition(Exception):
    def __init__(self, current: LetterStatus, target: LetterStatus) -> None:
        message = WHY_NOT.get(
            (current, target),
            f"A letter that is {status_label(current)} cannot become {status_label(target)}.",
        )
        super().__init__(message)
        self.current = current
        self.target = target


def check_transition(current: LetterStatus, target: LetterStatus) -> None:
    """Refuse a change of status the lifecycle does not allow, with the reason."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)


def is_editable(status: LetterStatus) -> bool:
    """Only a draft can be changed; a signed letter is immutable."""
    return status == S.DRAFT


@dataclass(frozen=True)
class LetterContent:
    """Everything printed on a letter, as the completeness check sees it."""

    patient_name: str = ""
    patient_birth_date: dt.date | None = None
    diagnoses: tuple[tuple[str, str], ...] = ()  # (code, description)
    necessity_statement: str = ""
    exercise_kind: str = ""
    sessions_per_week: int | None = None
    minutes_per_session: int | None = None
    intensity: str = ""
    precautions: str = ""
    goals: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    provider_name: str = ""
    provider_kind: str = ""
    provider_credentials: str = ""
    provider_npi: str = ""
    signed_on: dt.date | None = None


@dataclass(frozen=True)
class Finding:
    field: str
    message: str


@dataclass(frozen=True)
class Completeness:
    missing: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def letter_completeness(letter: LetterContent, *, sign_date: dt.date | None = None) -> Completeness:
    """What an administrator would find missing on this letter, field by field.

    `sign_date` is the day it would be signed (today when sending it), for the
    back-dating warning: many administrators refuse a letter whose validity
    starts before it was signed.
    """
    from fitclaim.domain.codes import icd10_problem, npi_problem

    missing: list[Finding] = []
    warnings: list[Finding] = []

    def need(condition: bool, name: str, message: str) -> None:
        if not condition:
            missing.append(Finding(name, message))

    need(bool(letter.patient_name.strip()), "patient_name", "The patient's name is missing.")
    need(
        letter.patient_birth_date is not None,
        "patient_birth_date",
        "The patient's birth date is missing.",
    )
    need(bool(letter.diagnoses), "diagnoses", "At least one diagnosis (ICD-10-CM) is required.")
    for code, description in letter.diagnoses:
        problem = icd10_problem(code)
        if problem:
            missing.append(Finding("diagnoses", f"Diagnosis {code}: {problem}."))
        elif not description.strip():
            missing.append(Finding("diagnoses", f"Diagnosis {code} has no description."))
    need(
        bool(letter.necessity_statement.strip()),
        "necessity_statement",
        "The medical-necessity statement is missing.",
    )
    need(
        bool(letter.exercise_kind.strip()),
        "exercise_kind",
        "The kind of exercise prescribed is missing.",
    )
    need(
        letter.sessions_per_week is not None and letter.sessions_per_week > 0,
        "sessions_per_week",
        "The plan's frequency (sessions per week) is missing.",
    )
    need(
        letter.minutes_per_session is not None and letter.minutes_per_session > 0,
        "minutes_per_session",
        "The plan's duration (minutes per session) is missing.",
    )
    need(letter.valid_from is not None, "valid_from", "The first day of validity is missing.")
    need(letter.valid_to is not None, "valid_to", "The last day of validity is missing.")
    if letter.valid_from and letter.valid_to and letter.valid_to < letter.valid_from:
        missing.append(Finding("valid_to", "The letter ends before it starts."))
    need(bool(letter.provider_name.strip()), "provider_name", "The provider's name is missing.")
    need(bool(letter.provider_kind.strip()), "provider_kind", "The provider's kind is missing.")
    need(
        bool(letter.provider_credentials.strip()),
        "provider_credentials",
        "The provider's credentials (MD, DO, NP-C, ...) are missing.",
    )
    if not letter.provider_npi:
        missing.append(Finding("provider_npi", "The provider's NPI is missing."))
    elif npi_problem(letter.provider_npi):
        missing.append(
            Finding(
                "provider_npi",
                f"The provider's NPI is invalid: {npi_problem(letter.provider_npi)}.",
            )
        )

    signed = letter.signed_on or sign_date
    if letter.valid_from and signed and letter.valid_from < signed:
        warnings.append(
            Finding(
                "valid_from",
                f"The letter is back-dated: valid from {letter.valid_from.isoformat()}, "
                f"signed {signed.isoformat()}. Many administrators refuse back-dated letters.",
            )
        )
    return Completeness(missing=missing, warnings=warnings)


def default_valid_to(valid_from: dt.date) -> dt.date:
    """Twelve months of validity: the day before the same date a year later."""
    try:
        return valid_from.replace(year=valid_from.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return valid_from.replace(year=valid_from.year + 1, day=28)


REMINDER_DAYS: tuple[int, ...] = (60, 30, 7)


def reminders_due(*, valid_to: dt.date, reexamination: dt.date | None, today: dt.date) -> list[str]:
    """The reminders due today for a letter in force: the most urgent expiry notice
    reached ("expires_in_60", "expires_in_30" or "expires_in_7"; a letter created with
    20 days left gets the 30-day notice only) and "reexamination" from that date on.
    The caller sends each kind once per recipient, so running this daily or hourly
    sends nothing twice."""
    due: list[str] = []
    days_left = (valid_to - today).days
    if days_left >= 0:
        reached = [days for days in REMINDER_DAYS if days_left <= days]
        if reached:
            due.append(f"expires_in_{min(reached)}")
    if reexamination is not None and today >= reexamination:
        due.append("reexamination")
    return due


def engine_valid_to(*, valid_to: dt.date, revoked_on: dt.date | None) -> dt.date:
    """The last day a letter counts for the engine: a revoked letter stops the day
    before it was revoked. A result before the letter's `valid_from` means it
    was revoked before it ever applied."""
    if revoked_on is None:
        return valid_to
    return min(valid_to, revoked_on - dt.timedelta(days=1))


@dataclass(frozen=True)
class Attendance:
    """Sessions attended under a letter against what its plan prescribed."""

    attended: int
    prescribed: int | None
    start: dt.date
    end: dt.date
    sessions_per_week: int | None

    @property
    def rate(self) -> float | None:
        """Attended / prescribed, for display only (never money)."""
        if not self.prescribed:
            return None
        return self.attended / self.prescribed

    def describe(self) -> str:
        period = f"from {self.start.isoformat()} to {self.end.isoformat()}"
        if self.prescribed is None:
            return f"{self.attended} sessions attended {period}."
        percent = round(100 * self.attended / self.prescribed) if self.prescribed else 0
        return (
            f"{self.attended} sessions attended {period}, of {self.prescribed} prescribed "
            f"({self.sessions_per_week} per week): {percent}% attendance."
        )


def attendance(
    *, attended: int, sessions_per_week: int | None, start: dt.date, end: dt.date
) -> Attendance:
    """Attendance against the prescribed frequency over `start..end` (inclusive).
    Prescribed sessions are whole weeks and the share of a started week, rounded
    to the nearest session; with no frequency there is nothing to compare."""
    days = max(0, (end - start).days + 1)
    prescribed = None
    if sessions_per_week:
        prescribed = round(days * sessions_per_week / 7)
    return Attendance(
        attended=attended,
        prescribed=prescribed,
        start=start,
        end=end,
        sessions_per_week=sessions_per_week,
    )


class PreauthAlert(StrEnum):
    """Why a pre-authorization needs someone's attention, like the PT systems say it."""

    SESSIONS_RUNNING_OUT = "sessions_running_out"
    ENDS_SOON = "ends_soon"
    EXPIRED_WITH_SESSIONS_SCHEDULED = "expired_with_sessions_scheduled"


# Two sessions left is when a clinic asks the insurer for more: the answer takes
# about as long as two sessions at the usual twice-a-week frequency.
PREAUTH_SESSIONS_WARNING = 2
PREAUTH_END_WARNING_DAYS = 7


def preauthorization_alerts(
    *,
    status: str,
    approved_sessions: int | None,
    sessions_used: int | None,
    valid_to: dt.date | None,
    scheduled_after_end: int,
    today: dt.date,
) -> list[PreauthAlert]:
    """The alerts of an approved pre-authorization on `today`:

    - 2 (or fewer) approved sessions left, while it is still in force;
    - 7 days (or fewer) before its end date;
    - ended, with sessions still scheduled after its end date.

    `sessions_used` None means the sessions are not known, so the first alert
    cannot be decided and is not raised. Pending and denied answers raise none:
    there is nothing approved to run out."""
    if status != "approved" or valid_to is None:
        return []
    alerts: list[PreauthAlert] = []
    in_force = today <= valid_to
    if in_force and approved_sessions is not None and sessions_used is not None:
        if approved_sessions - sessions_used <= PREAUTH_SESSIONS_WARNING:
            alerts.append(PreauthAlert.SESSIONS_RUNNING_OUT)
    if in_force and (valid_to - today).days <= PREAUTH_END_WARNING_DAYS:
        alerts.append(PreauthAlert.ENDS_SOON)
    if not in_force and scheduled_after_end > 0:
        alerts.append(PreauthAlert.EXPIRED_WITH_SESSIONS_SCHEDULED)
    return alerts
