"""Renewal with its progress summary, and pre-authorizations: the request, the
insurer's answer and the alerts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fitclaim.funding.models import FundingSource
from fitclaim.lmns.models import LmnStatus
from fitclaim.lmns.services import lmn_renew
from fitclaim.preauths.models import PreauthStatus
from fitclaim.preauths.selectors import preauth_alerts, preauths_needing_attention
from fitclaim.preauths.services import preauth_create, preauth_record_answer

from .conftest import TODAY, World, letter_in


def test_renewal_copies_the_letter_forward_with_new_dates_and_progress(world_ready: World):
    old = letter_in(world_ready, LmnStatus.SIGNED)
    renewal = lmn_renew(by=world_ready["admin"].actor(), lmn=old)
    assert renewal.valid_from == old.valid_to + dt.timedelta(days=1)
    assert renewal.valid_to.year == renewal.valid_from.year + 1
    assert renewal.diagnoses == old.diagnoses
    assert renewal.exercise_kind == old.exercise_kind
    assert list(renewal.authorized_trainers.all()) == [world_ready.sam]
    assert list(renewal.authorized_facilities.all()) == [world_ready.facility]
    assert renewal.reexamination_date is None
    assert renewal.provider == old.provider
    # Sessions live in fitclaim.training; until that model exists the summary says so.
    from fitclaim.lmns.selectors import training_session_model

    if training_session_model() is None:
        assert "not available" in renewal.progress_summary
    assert old.reference in renewal.progress_summary


def test_renewal_of_an_expired_letter_starts_today(world_ready: World):
    old = letter_in(world_ready, LmnStatus.EXPIRED)
    renewal = lmn_renew(by=world_ready["admin"].actor(), lmn=old)
    assert renewal.valid_from == TODAY()


def test_renewal_shows_on_the_letter_page(world_ready: World):
    old = letter_in(world_ready, LmnStatus.SIGNED)
    response = world_ready["admin"].http().post(reverse("lmns:renew", args=[old.pk]), {})
    assert response.status_code == 302
    page = world_ready["admin"].http().get(reverse("lmns:detail", args=[old.pk]))
    assert "Renewed by" in page.content.decode()


def insurance(world: World) -> FundingSource:
    return FundingSource.objects.get(client=world.dana, kind="insurance")


def request(world: World, **changes):
    data = {
        "source_id": insurance(world).pk,
        "requested_on": TODAY() - dt.timedelta(days=20),
        "requested_sessions": 24,
        "requested_from": TODAY() - dt.timedelta(days=10),
        "requested_to": TODAY() + dt.timedelta(days=80),
        "service_codes": "S9451, 97110",
        **changes,
    }
    return preauth_create(by=world["admin"].actor(), client=world.dana, data=data)


def test_a_request_is_pending_until_answered(world_ready: World):
    preauth = request(world_ready)
    assert preauth.status == PreauthStatus.PENDING
    assert preauth.service_codes == ["S9451", "97110"]
    items = preauths_needing_attention(actor=world_ready["admin"].actor(), today=TODAY())
    assert [item.kind for item in items] == ["preauth_pending"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source_id": None}, "source_id"),
        ({"requested_sessions": 0}, "requested_sessions"),
        ({"requested_to": TODAY() - dt.timedelta(days=30)}, "requested_to"),
        ({"service_codes": "S94"}, "service_codes"),
        ({"requested_on": None}, "requested_on"),
    ],
)
def test_a_bad_request_is_refused_by_field(world_ready: World, changes, field):
    with pytest.raises(ValidationError) as refused:
        request(world_ready, **changes)
    assert field in refused.value.message_dict


def test_only_an_insurance_plan_can_be_asked(world_ready: World):
    with pytest.raises(ValidationError, match="insurance"):
        request(world_ready, source_id=world_ready.dana_fsa.pk)


def test_an_approval_needs_its_sessions_and_defaults_to_the_requested_dates(world_ready: World):
    preauth = request(world_ready)
    admin = world_ready["admin"].actor()
    with pytest.raises(ValidationError) as refused:
        preauth_record_answer(by=admin, preauth=preauth, status="approved")
    assert "approved_sessions" in refused.value.message_dict
    approved = preauth_record_answer(
        by=admin, preauth=preauth, status="approved", approved_sessions=20, reference="PA-77"
    )
    assert approved.valid_from == approved.requested_from
    assert approved.valid_to == approved.requested_to
    assert approved.answered_on == TODAY()


def test_a_denial_needs_no_sessions(world_ready: World):
    denied = preauth_record_answer(
        by=world_ready["admin"].actor(),
        preauth=request(world_ready),
        status="denied",
        reference="DN-1",
        notes="Not medically necessary",
    )
    assert denied.status == "denied"
    assert preauth_alerts(denied, today=TODAY()) == []


def test_an_approval_ending_within_seven_days_is_flagged(world_ready: World):
    preauth = preauth_record_answer(
        by=world_ready["admin"].actor(),
        preauth=request(world_ready),
        status="approved",
        approved_sessions=20,
        valid_to=TODAY() + dt.timedelta(days=7),
    )
    alerts = preauth_alerts(preauth, today=TODAY())
    assert [alert.value for alert, _ in alerts] == ["ends_soon"]
    assert "ends in 7 days" in alerts[0][1]


def test_the_answer_page_records_it(world_ready: World):
    preauth = request(world_ready)
    response = (
        world_ready["billing"]
        .http()
        .post(
            reverse("preauths:answer", args=[preauth.pk]),
            {"status": "approved", "reference": "PA-9", "approved_sessions": "12"},
        )
    )
    assert response.status_code == 302
    preauth.refresh_from_db()
    assert (preauth.status, preauth.approved_sessions, preauth.reference) == (
        "approved",
        12,
        "PA-9",
    )


def sessions_model():
    from fitclaim.lmns.selectors import training_session_model

    model = training_session_model()
    if model is None:
        pytest.skip("fitclaim.training has no TrainingSession model yet")
    return model


def add_sessions(world: World, dates, status: str = "attended") -> None:
    from decimal import Decimal

    model = sessions_model()
    for day in dates:
        model.objects.create(
            organization=world.riverbend,
            client=world.dana,
            trainer=world.sam,
            date=day,
            charge=Decimal("85.00"),
            status=status,
        )


def test_the_renewal_summarizes_attendance_against_the_prescribed_frequency(world_ready: World):
    sessions_model()
    old = letter_in(world_ready, LmnStatus.SIGNED)
    from fitclaim.lmns.models import Lmn

    start = TODAY() - dt.timedelta(days=27)  # four weeks to today, 2 a week: 8 prescribed
    Lmn.objects.filter(pk=old.pk).update(valid_from=start)
    old.refresh_from_db()
    add_sessions(world_ready, [start + dt.timedelta(days=3 * n) for n in range(6)])
    add_sessions(world_ready, [start + dt.timedelta(days=1)], status="cancelled")
    add_sessions(world_ready, [start - dt.timedelta(days=5)])  # before the letter
    renewal = lmn_renew(by=world_ready["admin"].actor(), lmn=old)
    assert "6 sessions attended" in renewal.progress_summary
    assert "of 8 prescribed (2 per week): 75% attendance" in renewal.progress_summary


def approved(world: World, sessions: int, valid_to: dt.date):
    return preauth_record_answer(
        by=world["admin"].actor(),
        preauth=request(world),
        status="approved",
        approved_sessions=sessions,
        valid_from=TODAY() - dt.timedelta(days=10),
        valid_to=valid_to,
    )


def test_two_approved_sessions_left_is_an_alert(world_ready: World):
    sessions_model()
    preauth = approved(world_ready, 5, TODAY() + dt.timedelta(days=60))
    add_sessions(world_ready, [TODAY() - dt.timedelta(days=n) for n in (1, 3, 5)])
    alerts = preauth_alerts(preauth, today=TODAY())
    assert [(alert.value, message) for alert, message in alerts] == [
        ("sessions_running_out", "2 approved sessions left")
    ]


def test_an_ended_approval_with_sessions_still_scheduled_is_an_alert(world_ready: World):
    sessions_model()
    preauth = approved(world_ready, 20, TODAY() - dt.timedelta(days=1))
    add_sessions(world_ready, [TODAY() + dt.timedelta(days=2)], status="scheduled")
    alerts = preauth_alerts(preauth, today=TODAY())
    assert [alert.value for alert, _ in alerts] == ["expired_with_sessions_scheduled"]
    items = preauths_needing_attention(actor=world_ready["admin"].actor(), today=TODAY())
    assert [(item.kind, item.severity) for item in items] == [
        ("preauth_expired_with_sessions_scheduled", "danger")
    ]
