"""/api/v1: sessions, recurring schedules, attendance, the service-code catalog
and CSV import.

Money goes in and comes out as a string with two decimals ("85.00"), never a
JSON number: a float cannot hold cents exactly.
"""

# No `from __future__ import annotations` here: ninja's pagination re-reads the
# view's parameters from another module, where "dt.date" would not resolve.
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.api_support import STRICT, api_actor, field_errors
from fitclaim.clients.selectors import access_client
from fitclaim.domain.service_codes import CATALOG
from fitclaim.training.models import TrainingSession
from fitclaim.training.selectors import (
    access_session,
    client_sessions,
    session_checks,
    sessions_on_day,
    with_money,
)
from fitclaim.training.services import (
    schedule_create,
    session_log,
    session_mark,
    session_update,
)

router = Router(tags=["sessions"])
CENT = Decimal("0.01")

MONEY_PATTERN = r"^(0|[1-9][0-9]{0,7})(\.[0-9]{1,2})?$"
Money = Annotated[str, Field(pattern=MONEY_PATTERN, examples=["85.00"])]


class ServiceCodeOut(Schema):
    code: str = Field(examples=["S9451"])
    description: str
    who_may_bill: str
    needs_license: bool = Field(description="only a licensed PT, OT or physician may bill it")
    unit_minutes: int | None = Field(description="minutes per unit; null: per session")


class CheckOut(Schema):
    code: str = Field(examples=["CODE_NEEDS_LICENSE"])
    message: str


class SessionOut(Schema):
    id: int
    client_id: int
    trainer_id: int
    facility_id: int | None
    date: dt.date
    start_time: dt.time | None
    minutes: int
    code: str
    units: int
    charge: str = Field(examples=["85.00"])
    paid: str = Field(examples=["85.00"], description="payments applied to the session")
    receipted: bool = Field(
        description="a generated receipt covers its payment, or an uploaded receipt is attached"
    )
    status: str = Field(description="scheduled, attended, cancelled or no_show")
    notes: str
    warnings: list[CheckOut] = Field(description="claim checks, e.g. CODE_NEEDS_LICENSE")

    @staticmethod
    def resolve_charge(session: TrainingSession) -> str:
        return str(session.charge)

    @staticmethod
    def resolve_paid(session: TrainingSession) -> str:
        return str(Decimal(getattr(session, "paid", session.paid_total)).quantize(CENT))

    @staticmethod
    def resolve_receipted(session: TrainingSession) -> bool:
        return bool(getattr(session, "receipted", False))

    @staticmethod
    def resolve_warnings(session: TrainingSession) -> list[dict[str, str]]:
        return [{"code": str(c.code), "message": c.message} for c in session_checks(session)]


class SessionIn(Schema):
    model_config = STRICT

    trainer_id: int
    facility_id: int | None = None
    date: dt.date
    start_time: dt.time | None = None
    minutes: int = Field(60, ge=1, le=1440)
    code: str = Field(examples=["S9451"])
    units: int | None = Field(None, ge=1, le=99, description="default: from the code and minutes")
    charge: Money
    status: str | None = Field(
        None, description="default: attended if dated today or earlier, else scheduled"
    )
    notes: str = ""


class SessionPatch(Schema):
    model_config = STRICT

    trainer_id: int | None = None
    facility_id: int | None = None
    date: dt.date | None = None
    start_time: dt.time | None = None
    minutes: int | None = Field(None, ge=1, le=1440)
    code: str | None = None
    units: int | None = Field(None, ge=1, le=99)
    charge: Money | None = None
    notes: str | None = None


class ScheduleIn(Schema):
    model_config = STRICT

    trainer_id: int
    facility_id: int | None = None
    starts_on: dt.date
    weekdays: list[int] = Field(
        description="ISO weekdays: Monday = 1 ... Sunday = 7", examples=[[2, 4]]
    )
    start_time: dt.time = Field(examples=["07:00"])
    weeks: int = Field(ge=1, le=104, examples=[12])
    minutes: int = Field(60, ge=1, le=1440)
    code: str = "S9451"
    units: int | None = Field(None, ge=1, le=99)
    charge: Money
    notes: str = ""


class ScheduleOut(Schema):
    id: int
    sessions: list[int]
    first: dt.date | None
    last: dt.date | None


class StatusIn(Schema):
    model_config = STRICT

    status: str = Field(description="scheduled, attended, cancelled or no_show")


class ProblemOut(Schema):
    line: int
    column: str
    message: str


class ImportOut(Schema):
    rows: int
    created: int
    dry_run: bool
    committed: bool
    already_imported_batch: int | None
    batch: int | None
    errors: list[ProblemOut]
    warnings: list[ProblemOut]
    summary: str


def _annotated(session_id: int) -> TrainingSession:
    return with_money(TrainingSession.objects.filter(pk=session_id)).select_related("trainer").get()


@router.get("/service-codes", response=list[ServiceCodeOut], summary="The service-code catalog")
def service_codes_api(request: HttpRequest) -> list[dict[str, Any]]:
    api_actor(request)
    return [
        {
            "code": entry.code,
            "description": entry.description,
            "who_may_bill": entry.who_may_bill,
            "needs_license": entry.needs_license,
            "unit_minutes": entry.unit_minutes,
        }
        for entry in CATALOG.values()
    ]


@router.get(
    "/clients/{int:client_id}/sessions",
    response=list[SessionOut],
    summary="A client's sessions, newest first",
)
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def client_sessions_api(
    request: HttpRequest,
    client_id: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[TrainingSession]:
    client = access_client(api_actor(request), client_id)
    return client_sessions(client=client, date_from=date_from, date_to=date_to)


@router.post(
    "/clients/{int:client_id}/sessions",
    response={201: SessionOut},
    summary="Log a session (warnings name claim checks such as CODE_NEEDS_LICENSE)",
)
def session_log_api(
    request: HttpRequest, client_id: int, payload: SessionIn
) -> Status[TrainingSession]:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    data = payload.dict()
    with field_errors():
        session = session_log(
            by=actor,
            client=client,
            trainer=data.pop("trainer_id"),
            facility=data.pop("facility_id"),
            **data,
        )
    return Status(201, _annotated(session.pk))


@router.post(
    "/clients/{int:client_id}/schedules",
    response={201: ScheduleOut},
    summary="Create a recurring schedule (weekdays, time, weeks) as scheduled sessions",
)
def schedule_create_api(
    request: HttpRequest, client_id: int, payload: ScheduleIn
) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    data = payload.dict()
    with field_errors():
        schedule = schedule_create(
            by=actor,
            client=client,
            trainer=data.pop("trainer_id"),
            facility=data.pop("facility_id"),
            **data,
        )
    dates = list(schedule.sessions.order_by("date", "pk").values_list("pk", "date"))
    return Status(
        201,
        {
            "id": schedule.pk,
            "sessions": [pk for pk, _ in dates],
            "first": dates[0][1] if dates else None,
            "last": dates[-1][1] if dates else None,
        },
    )


@router.get("/sessions/day", response=list[SessionOut], summary="Every visible session of a day")
def sessions_day_api(request: HttpRequest, date: dt.date | None = None) -> list[TrainingSession]:
    actor = api_actor(request)
    if not may_edit_visible_clients(actor):
        # The day view is the staff's schedule, like its page.
        raise Http404("not found")
    day = date or timezone.localdate()
    return list(with_money(sessions_on_day(actor=actor, day=day)))


@router.get("/sessions/{int:session_id}", response=SessionOut, summary="A session")
def session_detail_api(request: HttpRequest, session_id: int) -> TrainingSession:
    session = access_session(api_actor(request), session_id)
    return _annotated(session.pk)


@router.patch("/sessions/{int:session_id}", response=SessionOut, summary="Change a session")
def session_update_api(
    request: HttpRequest, session_id: int, payload: SessionPatch
) -> TrainingSession:
    actor = api_actor(request)
    session = access_session(actor, session_id, write=True)
    data = payload.dict(exclude_unset=True)
    if "trainer_id" in data:
        data["trainer"] = data.pop("trainer_id")
    if "facility_id" in data:
        data["facility"] = data.pop("facility_id")
    with field_errors():
        session_update(by=actor, session=session, data=data)
    return _annotated(session.pk)


@router.post(
    "/sessions/{int:session_id}/status",
    response=SessionOut,
    summary="Mark attendance: attended, cancelled, no_show (or scheduled)",
)
def session_mark_api(request: HttpRequest, session_id: int, payload: StatusIn) -> TrainingSession:
    actor = api_actor(request)
    session = access_session(actor, session_id, write=True)
    with field_errors():
        session_mark(by=actor, session=session, status=payload.status)
    return _annotated(session.pk)


@router.post(
    "/sessions/import",
    response=ImportOut,
    summary="Import sessions from CSV (dry_run=true checks every row and writes nothing)",
)
def sessions_import_api(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    dry_run: Form[bool] = False,
) -> dict[str, Any]:
    from fitclaim.training.imports import sessions_import

    actor = api_actor(request)
    if not may_edit_visible_clients(actor):
        raise Http404("not found")
    if file is None:
        raise NinjaValidationError(
            [{"loc": ["body", "file"], "field": "file", "msg": "required", "type": "missing"}]
        )
    with field_errors():
        report = sessions_import(
            by=actor, content=file.read(), file_name=file.name or "", dry_run=dry_run
        )
    return {
        "rows": report.rows,
        "created": report.created,
        "dry_run": report.dry_run,
        "committed": report.committed,
        "already_imported_batch": report.already_imported.pk if report.already_imported else None,
        "batch": report.batch.pk if report.batch else None,
        "errors": [vars(p) for p in report.errors],
        "warnings": [vars(p) for p in report.warnings],
        "summary": report.summary(),
    }
