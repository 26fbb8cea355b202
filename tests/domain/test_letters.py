import datetime as dt
from dataclasses import replace
from itertools import product

import pytest

from fitclaim.domain.letters import (
    TRANSITIONS,
    IllegalTransition,
    LetterContent,
    LetterStatus,
    PreauthAlert,
    attendance,
    check_transition,
    default_valid_to,
    engine_valid_to,
    letter_completeness,
    preauthorization_alerts,
    reminders_due,
)

S = LetterStatus
ALLOWED = {
    (S.DRAFT, S.AWAITING_SIGNATURE),
    (S.DRAFT, S.SIGNED),
    (S.AWAITING_SIGNATURE, S.SIGNED),
    (S.AWAITING_SIGNATURE, S.DRAFT),
    (S.SIGNED, S.EXPIRED),
    (S.SIGNED, S.REVOKED),
    (S.SIGNED, S.SUPERSEDED),
    (S.EXPIRED, S.SUPERSEDED),
}


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transition_passes(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), sorted(set(product(S, S)) - ALLOWED))
def test_every_other_transition_is_refused_with_a_message(current, target):
    with pytest.raises(IllegalTransition) as refused:
        check_transition(current, target)
    assert str(refused.value)


def test_transition_table_matches_the_documented_lifecycle():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED


def test_signed_letter_cannot_go_back_to_draft_and_says_to_renew():
    with pytest.raises(IllegalTransition, match="renew"):
        check_transition(S.SIGNED, S.DRAFT)


COMPLETE = LetterContent(
    patient_name="Dana Reyes",
    patient_birth_date=dt.date(1971, 4, 9),
    diagnoses=(("E66.01", "Morbid (severe) obesity due to excess calories"),),
    necessity_statement="Training treats the obesity and would not be incurred but for it.",
    exercise_kind="Supervised resistance and aerobic training",
    sessions_per_week=2,
    minutes_per_session=60,
    valid_from=dt.date(2026, 3, 1),
    valid_to=dt.date(2027, 2, 28),
    provider_name="Ana Lee",
    provider_kind="physician",
    provider_credentials="MD",
    provider_npi="1245319599",
)


def test_complete_letter_has_nothing_missing():
    result = letter_completeness(COMPLETE, sign_date=dt.date(2026, 3, 1))
    assert result.complete
    assert result.warnings == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"patient_name": " "}, "patient_name"),
        ({"patient_birth_date": None}, "patient_birth_date"),
        ({"diagnoses": ()}, "diagnoses"),
        ({"diagnoses": (("E66.01", ""),)}, "diagnoses"),
        ({"diagnoses": (("M54.5", "Low back pain"),)}, "diagnoses"),
        ({"necessity_statement": ""}, "necessity_statement"),
        ({"exercise_kind": ""}, "exercise_kind"),
        ({"sessions_per_week": None}, "sessions_per_week"),
        ({"minutes_per_session": 0}, "minutes_per_session"),
        ({"valid_from": None}, "valid_from"),
        ({"valid_to": None}, "valid_to"),
        ({"valid_to": dt.date(2026, 2, 1)}, "valid_to"),
        ({"provider_name": ""}, "provider_name"),
        ({"provider_kind": ""}, "provider_kind"),
        ({"provider_credentials": ""}, "provider_credentials"),
        ({"provider_npi": ""}, "provider_npi"),
        ({"provider_npi": "1245319598"}, "provider_npi"),
    ],
)
def test_each_missing_element_is_reported_by_name(change, field):
    result = letter_completeness(replace(COMPLETE, **change), sign_date=dt.date(2026, 3, 1))
    assert not result.complete
    assert [finding.field for finding in result.missing] == [field]


def test_back_dated_letter_is_a_warning_not_a_missing_element():
    result = letter_completeness(COMPLETE, sign_date=dt.date(2026, 3, 15))
    assert result.complete
    assert [w.field for w in result.warnings] == ["valid_from"]
    assert "back-dated" in result.warnings[0].message


def test_default_validity_is_twelve_months():
    assert default_valid_to(dt.date(2026, 3, 1)) == dt.date(2027, 2, 28)
    assert default_valid_to(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 10, 1), []),
        (dt.date(2026, 11, 1), ["expires_in_60"]),
        (dt.date(2026, 12, 1), ["expires_in_30"]),
        (dt.date(2026, 12, 24), ["expires_in_7"]),
        (dt.date(2026, 12, 31), ["expires_in_7"]),
        (dt.date(2027, 1, 1), []),
    ],
)
def test_the_most_urgent_expiry_reminder_is_due(today, expected):
    assert (
        reminders_due(valid_to=dt.date(2026, 12, 31), reexamination=None, today=today) == expected
    )


def test_reexamination_reminder_is_due_from_its_date():
    due = reminders_due(
        valid_to=dt.date(2027, 6, 30),
        reexamination=dt.date(2026, 12, 1),
        today=dt.date(2026, 12, 1),
    )
    assert due == ["reexamination"]


def test_a_revoked_letter_ends_the_day_before_its_revocation():
    assert engine_valid_to(valid_to=dt.date(2026, 12, 31), revoked_on=dt.date(2026, 6, 15)) == (
        dt.date(2026, 6, 14)
    )


def test_a_letter_revoked_after_it_ended_keeps_its_end():
    assert engine_valid_to(valid_to=dt.date(2026, 3, 31), revoked_on=dt.date(2026, 6, 15)) == (
        dt.date(2026, 3, 31)
    )
    assert engine_valid_to(valid_to=dt.date(2026, 3, 31), revoked_on=None) == dt.date(2026, 3, 31)


def test_attendance_compares_sessions_with_the_prescribed_frequency():
    summary = attendance(
        attended=14, sessions_per_week=2, start=dt.date(2026, 1, 5), end=dt.date(2026, 3, 1)
    )
    assert summary.prescribed == 16  # eight weeks, twice a week
    assert summary.rate == 14 / 16
    assert "14 sessions attended" in summary.describe()
    assert "of 16 prescribed (2 per week): 88% attendance" in summary.describe()


def test_attendance_without_a_frequency_only_counts():
    summary = attendance(
        attended=3, sessions_per_week=None, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)
    )
    assert summary.prescribed is None and summary.rate is None
    assert summary.describe() == "3 sessions attended from 2026-01-01 to 2026-01-31."


TODAY = dt.date(2026, 6, 1)


def alerts(**changes):
    values = {
        "status": "approved",
        "approved_sessions": 24,
        "sessions_used": 10,
        "valid_to": dt.date(2026, 8, 31),
        "scheduled_after_end": 0,
        "today": TODAY,
        **changes,
    }
    return preauthorization_alerts(**values)


def test_an_approval_with_room_and_time_raises_no_alert():
    assert alerts() == []


@pytest.mark.parametrize(
    ("used", "expected"),
    [
        (21, []),
        (22, [PreauthAlert.SESSIONS_RUNNING_OUT]),
        (24, [PreauthAlert.SESSIONS_RUNNING_OUT]),
    ],
)
def test_two_approved_sessions_left_raises_an_alert(used, expected):
    assert alerts(sessions_used=used) == expected


def test_unknown_usage_raises_no_running_out_alert():
    assert alerts(sessions_used=None) == []


@pytest.mark.parametrize(
    ("days", "expected"), [(8, []), (7, [PreauthAlert.ENDS_SOON]), (0, [PreauthAlert.ENDS_SOON])]
)
def test_seven_days_before_the_end_date_raises_an_alert(days, expected):
    assert alerts(valid_to=TODAY + dt.timedelta(days=days)) == expected


def test_an_ended_approval_with_sessions_still_scheduled_raises_an_alert():
    ended = TODAY - dt.timedelta(days=1)
    assert alerts(valid_to=ended, scheduled_after_end=3) == [
        PreauthAlert.EXPIRED_WITH_SESSIONS_SCHEDULED
    ]
    assert alerts(valid_to=ended, scheduled_after_end=0) == []


@pytest.mark.parametrize("status", ["pending", "denied"])
def test_pending_and_denied_answers_raise_no_alert(status):
    assert alerts(status=status, sessions_used=24, scheduled_after_end=5) == []
