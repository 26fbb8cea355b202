"""Logging sessions, recurring schedules and attendance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from fitclaim.audit.models import AuditEvent
from fitclaim.training.models import Schedule, SessionStatus, TrainingSession
from fitclaim.training.selectors import session_checks
from fitclaim.training.services import schedule_create, session_log, session_mark, session_update

from .conftest import World, days_ago, make_session, today


def next_weekday(start: dt.date, iso: int) -> dt.date:
    return start + dt.timedelta(days=(iso - start.isoweekday()) % 7)


def test_tuesdays_and_thursdays_at_7_for_12_weeks_are_24_scheduled_sessions(
    world: World, sam: object
) -> None:
    monday = next_weekday(today() + dt.timedelta(days=1), 1)
    schedule = schedule_create(
        by=sam,
        client=world.dana,
        trainer=world.sam,
        starts_on=monday,
        weekdays=[2, 4],
        start_time=dt.time(7, 0),
        weeks=12,
        code="S9451",
        charge="85.00",
    )
    sessions = list(schedule.sessions.order_by("date"))
    assert len(sessions) == 24
    assert {s.date.isoweekday() for s in sessions} == {2, 4}
    assert all(s.status == SessionStatus.SCHEDULED for s in sessions)
    assert all(s.start_time == dt.time(7, 0) and s.charge == Decimal("85.00") for s in sessions)
    assert sessions[0].date == monday + dt.timedelta(days=1)
    assert sessions[-1].date == monday + dt.timedelta(days=7 * 11 + 3)
    assert all(s.organization_id == world.riverbend.pk for s in sessions)
    event = AuditEvent.objects.get(entity="schedule", entity_id=str(schedule.pk))
    assert "24 sessions" in event.summary and event.client_id == world.dana.pk


def test_a_schedule_with_bad_input_names_every_field_and_writes_nothing(
    world: World, sam: object
) -> None:
    with pytest.raises(ValidationError) as caught:
        schedule_create(
            by=sam,
            client=world.dana,
            trainer=world.sam,
            starts_on=today(),
            weekdays=[],
            start_time=None,
            weeks=0,
            code="X999",
            charge="85.001",
        )
    assert set(caught.value.message_dict) == {"weekdays", "start_time", "weeks", "code", "charge"}
    assert not Schedule.objects.exists() and not TrainingSession.objects.exists()


def test_a_trainer_not_assigned_cannot_schedule_for_the_client(world: World) -> None:
    with pytest.raises(Http404):
        schedule_create(
            by=world["trainer_not_assigned"].actor(),
            client=world.dana,
            trainer=world.jo,
            starts_on=today(),
            weekdays=[1],
            start_time=dt.time(7, 0),
            weeks=1,
            code="S9451",
            charge="85.00",
        )


def test_log_one_session_defaults_to_attended_when_it_is_in_the_past(
    world: World, sam: object
) -> None:
    session = session_log(
        by=sam, client=world.dana, trainer=world.sam, date=days_ago(1), code="s9451", charge="85"
    )
    assert session.status == SessionStatus.ATTENDED
    assert session.code == "S9451" and session.charge == Decimal("85.00") and session.units == 1
    future = session_log(
        by=sam,
        client=world.dana,
        trainer=world.sam,
        date=today() + dt.timedelta(days=3),
        code="S9451",
        charge="85.00",
    )
    assert future.status == SessionStatus.SCHEDULED
    assert AuditEvent.objects.filter(entity="session", action="create").count() == 2


def test_a_float_charge_is_refused(world: World, sam: object) -> None:
    with pytest.raises(ValidationError) as caught:
        session_log(
            by=sam,
            client=world.dana,
            trainer=world.sam,
            date=days_ago(1),
            code="S9451",
            charge=85.1,
        )
    assert "charge" in caught.value.message_dict


def test_a_trainer_of_another_organization_cannot_be_used(world: World, sam: object) -> None:
    from fitclaim.trainers.models import Trainer

    stranger = Trainer.objects.create(organization=world.northside, name="Other")
    with pytest.raises(ValidationError) as caught:
        session_log(
            by=sam, client=world.dana, trainer=stranger, date=days_ago(1), code="S9451", charge="85"
        )
    assert caught.value.message_dict["trainer"] == ["no such trainer in this organization"]


def test_an_unlicensed_trainer_logging_97110_gets_a_warning_not_a_refusal(
    world: World, sam: object
) -> None:
    session = session_log(
        by=sam,
        client=world.dana,
        trainer=world.sam,
        date=days_ago(1),
        code="97110",
        charge="120.00",
        minutes=45,
    )
    assert session.units == 3
    [check] = session_checks(session)
    assert check.code == "CODE_NEEDS_LICENSE"
    assert check.blocks_kind("insurance")
    world.sam.licensed_profession = "pt"
    world.sam.save()
    session.refresh_from_db()
    assert (
        session_checks(TrainingSession.objects.select_related("trainer").get(pk=session.pk)) == []
    )


def test_the_log_page_shows_the_license_warning(world: World) -> None:
    http = world["trainer_assigned"].http()
    response = http.post(
        f"/clients/{world.dana.pk}/sessions/new/",
        {
            "date": days_ago(1).isoformat(),
            "start_time": "07:00",
            "minutes": "45",
            "trainer": world.sam.pk,
            "code": "97110",
            "charge": "120.00",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "CODE_NEEDS_LICENSE" in text and "holds no PT or OT license" in text
    assert TrainingSession.objects.get().code == "97110"


def test_marking_attendance_records_the_change(world: World, sam: object) -> None:
    session = make_session(world, status=SessionStatus.SCHEDULED, on=days_ago(1))
    for status in (SessionStatus.ATTENDED, SessionStatus.NO_SHOW, SessionStatus.CANCELLED):
        session = session_mark(by=sam, session=session, status=status)
        assert TrainingSession.objects.get(pk=session.pk).status == status
    changes = [
        e.changes["status"] for e in AuditEvent.objects.filter(entity="session").order_by("pk")
    ]
    assert changes == [["scheduled", "attended"], ["attended", "no_show"], ["no_show", "cancelled"]]


def test_a_future_session_cannot_be_marked_attended(world: World, sam: object) -> None:
    session = make_session(world, status=SessionStatus.SCHEDULED, on=today() + dt.timedelta(days=2))
    with pytest.raises(ValidationError) as caught:
        session_mark(by=sam, session=session, status=SessionStatus.ATTENDED)
    assert "status" in caught.value.message_dict
    session_mark(by=sam, session=session, status=SessionStatus.CANCELLED)


def test_the_day_view_marks_a_session_in_one_click_with_htmx(world: World) -> None:
    session = make_session(world, status=SessionStatus.SCHEDULED, on=today())
    http = world["trainer_assigned"].http()
    page = http.get("/sessions/day/")
    assert page.status_code == 200 and "Dana Reyes" in page.content.decode()
    response = http.post(
        f"/sessions/{session.pk}/mark/",
        {"status": "attended", "view": "day"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith("<tr") and 'badge ok">Attended' in row
    assert TrainingSession.objects.get(pk=session.pk).status == SessionStatus.ATTENDED


def test_marking_without_javascript_goes_back_to_the_day(world: World) -> None:
    session = make_session(world, status=SessionStatus.SCHEDULED, on=today())
    http = world["trainer_assigned"].http()
    response = http.post(
        f"/sessions/{session.pk}/mark/", {"status": "no_show", "next": "/sessions/day/"}
    )
    assert response.status_code == 302 and response["Location"] == "/sessions/day/"
    evil = http.post(
        f"/sessions/{session.pk}/mark/", {"status": "attended", "next": "https://evil.test/"}
    )
    assert evil["Location"].startswith("/sessions/day/?date=")


def test_the_charge_cannot_go_below_what_was_paid(world: World, admin: object) -> None:
    from fitclaim.payments.services import payment_record

    session = make_session(world)
    payment_record(
        by=admin,
        client=world.dana,
        received_on=today(),
        amount="85.00",
        method="card",
        applications=[(session, "85.00")],
    )
    with pytest.raises(ValidationError) as caught:
        session_update(by=admin, session=session, data={"charge": "60.00"})
    assert "already been paid" in caught.value.message_dict["charge"][0]
    session_update(by=admin, session=session, data={"notes": "knee ok", "minutes": 50})
    assert TrainingSession.objects.get(pk=session.pk).notes == "knee ok"
