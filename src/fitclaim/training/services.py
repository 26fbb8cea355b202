"""Changing sessions: log one, create a recurring schedule, mark attendance.

Every service takes the acting person (`by`), runs in one transaction, checks
every field before it writes anything (a ValidationError keyed by field), and
leaves an event in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record, changed_fields, model_snapshot
from fitclaim.clients.models import Client
from fitclaim.clients.problems import Problems
from fitclaim.clients.selectors import access_client
from fitclaim.domain.service_codes import service_code_problem, units_for
from fitclaim.facilities.models import Facility
from fitclaim.trainers.models import Trainer
from fitclaim.training.models import Schedule, SessionStatus, TrainingSession

MAX_CHARGE = Decimal("99999999.99")
MAX_SCHEDULE_WEEKS = 104
WEEKDAY_NAMES = {
    1: "Monday",
    2: "Tuesday",
    3: "Wednesday",
    4: "Thursday",
    5: "Friday",
    6: "Saturday",
    7: "Sunday",
}
SESSION_FIELDS = (
    "trainer",
    "facility",
    "date",
    "start_time",
    "minutes",
    "code",
    "units",
    "charge",
    "notes",
)
_NOT_AUDITED = ("id", "organization_id", "created_at", "updated_at", "created_by_id")


def today() -> dt.date:
    return timezone.localdate()


# --------------------------------------------------------------------- field rules


def money_problem(value: Any) -> tuple[Decimal | None, str | None]:
    """(amount, None) for a non-negative amount with at most two decimals, else
    (None, why). Accepts a Decimal, an int or a text such as "85" or "85.00"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "required, for example 85.00"
    if isinstance(value, float):
        # Floats are never money: 0.1 + 0.2 is not 0.3.
        return None, "give the amount as text or a decimal, not a float"
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("$"))
    except InvalidOperation:
        return None, f"not an amount: {value!r}"
    if not amount.is_finite():
        return None, f"not an amount: {value!r}"
    if amount < 0:
        return None, "cannot be negative"
    if amount != amount.quantize(Decimal("0.01")):
        return None, "at most two decimals (cents)"
    if amount > MAX_CHARGE:
        return None, "too large"
    return amount.quantize(Decimal("0.01")), None


def _whole(value: Any, name: str, low: int, high: int, problems: Problems) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        problems.add(name, "a whole number is required")
        return None
    if isinstance(value, float) or (isinstance(value, str) and not value.strip().isdigit()):
        problems.add(name, "a whole number is required")
        return None
    if not low <= number <= high:
        problems.add(name, f"must be between {low} and {high}")
        return None
    return number


def _check_people(
    by: Actor, trainer: Any, facility: Any, problems: Problems
) -> tuple[Trainer | None, Facility | None]:
    """The trainer and facility, which must be the organization's own."""
    org_id = by.membership.organization_id
    found_trainer = None
    if trainer is None or trainer == "":
        problems.add("trainer", "required")
    else:
        trainer_id = getattr(trainer, "pk", trainer)
        found_trainer = Trainer.objects.filter(organization_id=org_id, pk=trainer_id).first()
        if found_trainer is None:
            problems.add("trainer", "no such trainer in this organization")
    found_facility = None
    if facility not in (None, ""):
        facility_id = getattr(facility, "pk", facility)
        found_facility = Facility.objects.filter(organization_id=org_id, pk=facility_id).first()
        if found_facility is None:
            problems.add("facility", "no such facility in this organization")
    return found_trainer, found_facility


def _check_status(status: str, date: dt.date | None, problems: Problems) -> None:
    if status not in SessionStatus.values:
        problems.add("status", f"one of {', '.join(SessionStatus.values)}")
    elif (
        status in (SessionStatus.ATTENDED, SessionStatus.NO_SHOW)
        and date is not None
        and date > today()
    ):
        problems.add("status", "a session in the future cannot be attended or missed yet")


@dataclass
class SessionValues:
    """Checked values for a new session (shared by log and schedule)."""

    trainer: Trainer | None = None
    facility: Facility | None = None
    minutes: int | None = None
    code: str = ""
    units: int | None = None
    charge: Decimal | None = None
    problems: Problems = field(default_factory=Problems)


def _check_values(
    by: Actor,
    *,
    trainer: Any,
    facility: Any,
    minutes: Any,
    code: str,
    units: Any,
    charge: Any,
) -> SessionValues:
    values = SessionValues()
    problems = values.problems
    values.trainer, values.facility = _check_people(by, trainer, facility, problems)
    values.minutes = _whole(minutes, "minutes", 1, 1440, problems)
    code = (code or "").strip().upper()
    message = service_code_problem(code)
    if message:
        problems.add("code", message)
    values.code = code
    if units in (None, ""):
        values.units = units_for(code, values.minutes or 60)
    else:
        values.units = _whole(units, "units", 1, 99, problems)
    values.charge, message = money_problem(charge)
    if message:
        problems.add("charge", message)
    return values


def _require_writer(by: Actor, client: Client) -> Client:
    """The client, if `by` may change its records; else 404."""
    return access_client(by, client.pk, write=True)


def _snapshot(session: TrainingSession) -> dict[str, Any]:
    snapshot = model_snapshot(session)
    for key in _NOT_AUDITED:
        snapshot.pop(key, None)
    # The audit trail stores JSON; a time of day is written as "07:00".
    if isinstance(snapshot.get("start_time"), dt.time):
        snapshot["start_time"] = snapshot["start_time"].isoformat(timespec="minutes")
    return snapshot


# --------------------------------------------------------------------- services


@transaction.atomic
def session_log(
    *,
    by: Actor,
    client: Client,
    trainer: Any,
    date: dt.date | None,
    code: str,
    charge: Any,
    start_time: dt.time | None = None,
    minutes: Any = 60,
    units: Any = None,
    facility: Any = None,
    status: str | None = None,
    notes: str = "",
) -> TrainingSession:
    """Log one session. Without a status, a session dated today or earlier is
    attended and a later one scheduled. Units default to what the code and the
    length call for (one per session for S9451, per 15 minutes for 97xxx).

    A code the trainer may not bill (97xxx without a PT/OT license) is logged,
    with a warning: `session_checks(session)` names it, and it blocks a claim
    to insurance later.
    """
    client = _require_writer(by, client)
    values = _check_values(
        by,
        trainer=trainer,
        facility=facility,
        minutes=minutes,
        code=code,
        units=units,
        charge=charge,
    )
    problems = values.problems
    if date is None:
        problems.add("date", "required")
    if status in (None, ""):
        status = (
            SessionStatus.ATTENDED
            if date is not None and date <= today()
            else SessionStatus.SCHEDULED
        )
    _check_status(status, date, problems)
    problems.raise_if_any()
    session = TrainingSession.objects.create(
        organization_id=client.organization_id,
        client=client,
        trainer=values.trainer,
        facility=values.facility,
        date=date,
        start_time=start_time,
        minutes=values.minutes,
        code=values.code,
        units=values.units,
        charge=values.charge,
        status=status,
        notes=(notes or "").strip(),
        created_by=by.user,
    )
    audit_record(
        actor=by,
        action="create",
        entity="session",
        entity_id=session.pk,
        client_id=client.pk,
        changes={key: [None, value] for key, value in _snapshot(session).items()},
        summary=f"logged {session.code} on {session.date} for {client.name}",
    )
    if session.status == SessionStatus.ATTENDED:
        from fitclaim.payments.services import package_apply_to_session

        package_apply_to_session(by=by, session=session)
        session.refresh_from_db()
    return session


def schedule_dates(*, starts_on: dt.date, weekdays: Iterable[int], weeks: int) -> list[dt.date]:
    """Every date from `starts_on` for `weeks` weeks that falls on one of the ISO
    weekdays (Monday = 1). Tuesdays and Thursdays for 12 weeks: 24 dates."""
    wanted = set(weekdays)
    days = (starts_on + dt.timedelta(days=n) for n in range(7 * weeks))
    return [day for day in days if day.isoweekday() in wanted]


@transaction.atomic
def schedule_create(
    *,
    by: Actor,
    client: Client,
    trainer: Any,
    starts_on: dt.date | None,
    weekdays: Iterable[Any],
    start_time: dt.time | None,
    weeks: Any,
    code: str,
    charge: Any,
    minutes: Any = 60,
    units: Any = None,
    facility: Any = None,
    notes: str = "",
) -> Schedule:
    """Create a recurring schedule and its sessions, all scheduled: for example
    Tuesdays and Thursdays at 7:00 for 12 weeks is 24 sessions."""
    client = _require_writer(by, client)
    values = _check_values(
        by,
        trainer=trainer,
        facility=facility,
        minutes=minutes,
        code=code,
        units=units,
        charge=charge,
    )
    problems = values.problems
    if starts_on is None:
        problems.add("starts_on", "required")
    if start_time is None:
        problems.add("start_time", "required")
    days: list[int] = []
    for raw in weekdays or ():
        try:
            day = int(raw)
        except (TypeError, ValueError):
            day = 0
        if day not in WEEKDAY_NAMES:
            problems.add("weekdays", f"not a weekday: {raw!r} (Monday = 1 ... Sunday = 7)")
        elif day not in days:
            days.append(day)
    if not days and "weekdays" not in problems:
        problems.add("weekdays", "choose at least one day of the week")
    week_count = _whole(weeks, "weeks", 1, MAX_SCHEDULE_WEEKS, problems)
    problems.raise_if_any()
    assert starts_on is not None and week_count is not None and start_time is not None
    days.sort()
    schedule = Schedule.objects.create(
        organization_id=client.organization_id,
        client=client,
        trainer=values.trainer,
        facility=values.facility,
        weekdays=days,
        start_time=start_time,
        starts_on=starts_on,
        weeks=week_count,
        minutes=values.minutes,
        code=values.code,
        units=values.units,
        charge=values.charge,
        notes=(notes or "").strip(),
        created_by=by.user,
    )
    dates = schedule_dates(starts_on=starts_on, weekdays=days, weeks=week_count)
    TrainingSession.objects.bulk_create(
        [
            TrainingSession(
                organization_id=client.organization_id,
                client=client,
                trainer=values.trainer,
                facility=values.facility,
                date=day,
                start_time=start_time,
                minutes=values.minutes,
                code=values.code,
                units=values.units,
                charge=values.charge,
                status=SessionStatus.SCHEDULED,
                notes=schedule.notes,
                schedule=schedule,
                created_by=by.user,
            )
            for day in dates
        ],
        batch_size=500,
    )
    names = " and ".join(WEEKDAY_NAMES[d] + "s" for d in days)
    audit_record(
        actor=by,
        action="create",
        entity="schedule",
        entity_id=schedule.pk,
        client_id=client.pk,
        changes={
            "weekdays": [None, days],
            "start_time": [None, start_time.isoformat(timespec="minutes")],
            "starts_on": [None, starts_on],
            "weeks": [None, week_count],
            "code": [None, values.code],
            "charge": [None, values.charge],
            "trainer_id": [None, values.trainer.pk if values.trainer else None],
            "sessions": [None, len(dates)],
        },
        summary=(
            f"scheduled {len(dates)} sessions for {client.name}: {names} at "
            f"{start_time:%H:%M} for {week_count} weeks from {starts_on}"
        ),
    )
    return schedule


@transaction.atomic
def session_mark(*, by: Actor, session: TrainingSession, status: str) -> TrainingSession:
    """Record what happened to a session: attended, cancelled, no-show (or back
    to scheduled). A session that becomes attended takes its share of an open
    prepaid package; one that stops being attended gives the share back, unless
    a receipt was already issued for it (then the receipt would be wrong)."""
    client = _require_writer(by, session.client)
    # Lock the row: two people marking the same session apply one after the other.
    session = TrainingSession.objects.select_for_update().get(pk=session.pk, client_id=client.pk)
    problems = Problems()
    _check_status(status, session.date, problems)
    problems.raise_if_any()
    before = session.status
    if before == status:
        return session
    from fitclaim.payments.services import package_apply_to_session, package_release_from_session

    if before == SessionStatus.ATTENDED:
        package_release_from_session(by=by, session=session)
    TrainingSession.objects.filter(pk=session.pk).update(status=status, updated_at=timezone.now())
    session.refresh_from_db()
    audit_record(
        actor=by,
        action="update",
        entity="session",
        entity_id=session.pk,
        client_id=client.pk,
        changes={"status": [before, status]},
        summary=f"marked the {session.date} session of {client.name} "
        f"{session.get_status_display()}",
    )
    if status == SessionStatus.ATTENDED:
        package_apply_to_session(by=by, session=session)
        session.refresh_from_db()
    return session


@transaction.atomic
def session_update(
    *, by: Actor, session: TrainingSession, data: Mapping[str, Any]
) -> TrainingSession:
    """Change a session's details (not its status: see session_mark). The charge
    cannot go below what has already been paid toward it."""
    unknown = set(data) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"not session fields: {sorted(unknown)}")
    client = _require_writer(by, session.client)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk, client_id=client.pk)
    before = _snapshot(session)
    merged = {
        "trainer": session.trainer_id,
        "facility": session.facility_id,
        "minutes": session.minutes,
        "code": session.code,
        "units": session.units,
        "charge": session.charge,
        **data,
    }
    values = _check_values(
        by,
        trainer=merged["trainer"],
        facility=merged["facility"],
        minutes=merged["minutes"],
        code=merged["code"],
        units=merged["units"],
        charge=merged["charge"],
    )
    problems = values.problems
    date = data.get("date", session.date)
    if date is None:
        problems.add("date", "required")
    else:
        _check_status(session.status, date, problems)
    if values.charge is not None and values.charge < session.paid_total:
        problems.add("charge", f"{session.paid_total} has already been paid toward this session")
    problems.raise_if_any()
    session.trainer = values.trainer  # type: ignore[assignment]
    session.facility = values.facility
    session.minutes = values.minutes  # type: ignore[assignment]
    session.code = values.code
    session.units = values.units  # type: ignore[assignment]
    session.charge = values.charge  # type: ignore[assignment]
    session.date = date
    if "start_time" in data:
        session.start_time = data["start_time"]
    if "notes" in data:
        session.notes = (data["notes"] or "").strip()
    session.save()
    changes = changed_fields(before, _snapshot(session))
    if changes:
        audit_record(
            actor=by,
            action="update",
            entity="session",
            entity_id=session.pk,
            client_id=client.pk,
            changes=changes,
            summary=f"changed {', '.join(changes)} of the {session.date} session of {client.name}",
        )
    return session
