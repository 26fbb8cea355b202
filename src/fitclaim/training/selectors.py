"""Reading sessions: scoping, access, the lists the pages show, and the facts
the case builder turns into the engine's `sessions`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.clients.access import as_actor, as_pk, may_edit_visible_clients
from fitclaim.clients.models import Client
from fitclaim.clients.selectors import clients_visible_to
from fitclaim.domain.claim_checks import ClaimCheck, SessionLine, check_code_license
from fitclaim.training.models import SessionStatus, TrainingSession

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=12, decimal_places=2)


def sessions_visible_to(actor_or_user: Any) -> QuerySet[TrainingSession]:
    """Sessions of the clients the actor may see (see clients_visible_to)."""
    actor = as_actor(actor_or_user)
    return TrainingSession.objects.filter(
        organization_id=actor.membership.organization_id,
        client_id__in=clients_visible_to(actor).values("pk"),
    )


def access_session(actor_or_user: Any, session_id: Any, *, write: bool = False) -> TrainingSession:
    """The session, if the actor may see its client (and change it, with
    write=True); else 404, whether it is in another organization, belongs to a
    client the trainer is not assigned to, or to another portal client."""
    actor = as_actor(actor_or_user)
    session = (
        sessions_visible_to(actor)
        .select_related("client", "trainer", "facility")
        .filter(pk=as_pk(session_id))
        .first()
    )
    if session is None or (write and not may_edit_visible_clients(actor)):
        raise Http404("not found")
    return session


# --------------------------------------------------------------------- paid and receipted


def paid_as_of(as_of: dt.date | None) -> Subquery:
    """Sum of the payments applied to the session (OuterRef) dated on or before
    `as_of` (all of them without a date)."""
    from fitclaim.payments.models import Allocation

    allocations = Allocation.objects.filter(session_id=OuterRef("pk"))
    if as_of is not None:
        allocations = allocations.filter(applied_on__lte=as_of)
    total = (
        allocations.order_by().values("session_id").annotate(total=Sum("amount")).values("total")
    )
    return Subquery(total, output_field=MONEY)


def receipted_as_of(as_of: dt.date | None) -> Q:
    """A session is receipted when an uploaded receipt is attached to it, or when
    it has money applied and every allocation counted as paid is on a receipt
    fitclaim generated (on or before `as_of`, when given)."""
    from fitclaim.payments.models import Allocation, ReceiptLine, UploadedReceiptSession

    uploads = UploadedReceiptSession.objects.filter(session_id=OuterRef("pk"))
    allocations = Allocation.objects.filter(session_id=OuterRef("pk"))
    lines = ReceiptLine.objects.filter(allocation_id=OuterRef("pk"))
    if as_of is not None:
        uploads = uploads.filter(attached_on__lte=as_of)
        allocations = allocations.filter(applied_on__lte=as_of)
        lines = lines.filter(receipt__issued_on__lte=as_of)
    uncovered = allocations.filter(~Exists(lines))
    return Q(Exists(uploads)) | (Q(Exists(allocations)) & ~Q(Exists(uncovered)))


def with_money(sessions: QuerySet[TrainingSession], as_of: dt.date | None = None) -> Any:
    """Sessions annotated with `paid` and `receipted` (as of a date, or now)."""
    from django.db.models import BooleanField, Case, When

    return sessions.annotate(
        paid=Coalesce(paid_as_of(as_of), Value(ZERO), output_field=MONEY),
        receipted=Case(
            When(receipted_as_of(as_of), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


# --------------------------------------------------------------------- the case builder


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """One session as the case builder needs it (ENGINE.md `sessions`, before
    ids are turned into strings). `paid` counts the payments applied on or
    before the as-of date; `receipted` is true when a generated receipt covers
    that money or an uploaded receipt is attached to the session."""

    id: int
    date: dt.date
    trainer_id: int
    facility_id: int | None
    code: str
    units: int
    charge: Decimal
    paid: Decimal
    receipted: bool
    status: str


def sessions_for_case(client: Client, as_of: dt.date) -> list[SessionFacts]:
    """Every session of the client, in (date, id) order, whatever its status:
    the case builder decides what goes in (attended: incurred; scheduled after
    `as_of`: future; the rest stays out). One query, however many sessions."""
    rows = (
        with_money(TrainingSession.objects.filter(client_id=client.pk), as_of)
        .order_by("date", "pk")
        .values_list(
            "pk",
            "date",
            "trainer_id",
            "facility_id",
            "code",
            "units",
            "charge",
            "paid",
            "receipted",
            "status",
        )
    )
    return [
        SessionFacts(
            id=pk,
            date=date,
            trainer_id=trainer_id,
            facility_id=facility_id,
            code=code,
            units=units,
            charge=charge,
            paid=min(Decimal(paid).quantize(ZERO), charge),
            receipted=bool(receipted),
            status=status,
        )
        for (
            pk,
            date,
            trainer_id,
            facility_id,
            code,
            units,
            charge,
            paid,
            receipted,
            status,
        ) in rows
    ]


# --------------------------------------------------------------------- pages


def session_checks(session: TrainingSession) -> list[ClaimCheck]:
    """The claim checks of one session (its trainer must be loaded)."""
    check = check_code_license(
        SessionLine(
            id=str(session.pk),
            code=session.code,
            trainer_name=session.trainer.name,
            profession=session.trainer.licensed_profession,
        )
    )
    return [check] if check is not None else []


def client_sessions(
    *, client: Client, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[TrainingSession]:
    """A client's sessions, newest first, with what the list shows, in a fixed
    number of queries."""
    sessions = TrainingSession.objects.filter(client_id=client.pk)
    if date_from is not None:
        sessions = sessions.filter(date__gte=date_from)
    if date_to is not None:
        sessions = sessions.filter(date__lte=date_to)
    return (
        with_money(sessions)
        .select_related("client", "trainer", "facility")
        .order_by("-date", "-start_time", "-pk")
    )


def sessions_on_day(
    *, actor: Actor, day: dt.date, trainer_id: int | None = None
) -> QuerySet[TrainingSession]:
    """The day view: every visible session on a day, in time order."""
    sessions = sessions_visible_to(actor).filter(date=day)
    if trainer_id is not None:
        sessions = sessions.filter(trainer_id=trainer_id)
    return sessions.select_related("client", "trainer", "facility").order_by(
        "start_time", "client__last_name", "pk"
    )


def sessions_awaiting_attendance(*, actor: Actor, before: dt.date) -> int:
    """How many past sessions are still marked scheduled (attendance not recorded)."""
    return (
        sessions_visible_to(actor).filter(status=SessionStatus.SCHEDULED, date__lt=before).count()
    )


def attended_unpaid_sessions(*, client: Client) -> QuerySet[TrainingSession]:
    """Attended sessions with some charge left to pay, oldest first: what a
    payment can be applied to."""
    from django.db.models import F

    return (
        TrainingSession.objects.filter(
            client_id=client.pk, status=SessionStatus.ATTENDED, paid_total__lt=F("charge")
        )
        .select_related("trainer")
        .order_by("date", "start_time", "pk")
    )
