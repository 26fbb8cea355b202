import datetime as dt
from dataclasses import replace
from itertools import product

import pytest

from fitclaim.domain.letters import (
    TRANSITIONS,
    IllegalTransition,
    LetterContent,
    LetterStatus,
    check_transition,
    default_valid_to,
    letter_completeness,
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
