"""Demo sessions and payments, so every demo client's coverage tells a story.

`load_sessions_demo(organization=..., as_of=...)` runs after the clients,
letters and pre-authorizations exist. For each client it logs twice-weekly
sessions over the eight weeks before `as_of`, pays them, and issues receipts,
with the gaps real practices have:

- Dana Reyes: everything paid and receipted, except the last payment's receipt;
- Marcus Bell: the most recent session paid only in part;
- Priya Natarajan: a prepaid package of 10 sessions for 800.00;
- Tom Haller: one session cancelled, one a no-show, one whose attendance was
  never recorded;
- every client: two weeks of sessions scheduled ahead.

It goes through the same services as the pages (so the rules and the audit
trail apply), acting as the organization's admin. Idempotent: a client who
already has sessions is left as it is.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Membership, Role
from fitclaim.clients.models import Client
from fitclaim.facilities.models import Facility
from fitclaim.payments.models import PaymentMethod
from fitclaim.payments.services import (
    package_purchase,
    payment_record,
    receipt_issue_for_payment,
)
from fitclaim.training.models import SessionStatus, TrainingSession
from fitclaim.training.services import session_log, session_mark

CHARGE = Decimal("85.00")
WEEKS = 8
# Tuesday and Thursday, the most common schedule of the demo studio.
WEEKDAYS = (1, 3)


def _session_days(as_of: dt.date) -> list[dt.date]:
    start = as_of - dt.timedelta(weeks=WEEKS)
    days = []
    day = start
    while day <= as_of + dt.timedelta(weeks=2):
        if day.weekday() in WEEKDAYS:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _code_for(client: Client) -> str:
    # Knee replacement aftercare is billed as therapeutic exercise; the rest as
    # exercise classes by a non-physician.
    return "97110" if any(code.startswith("Z47") for code in client.conditions) else "S9451"


@transaction.atomic
def load_sessions_demo(*, organization: Any, as_of: dt.date) -> Counter[str]:
    """Create the demo sessions and payments that are missing; what was created."""
    created: Counter[str] = Counter()
    admin = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=organization, role=Role.ADMIN)
        .order_by("pk")
        .first()
    )
    if admin is None:
        return created
    by = Actor(user=admin.user, membership=admin, via="system")
    facility = Facility.objects.filter(organization=organization).order_by("pk").first()
    clients = Client.objects.filter(organization=organization).prefetch_related("trainers")
    for client in clients.order_by("last_name", "first_name", "pk"):
        trainer = client.trainers.order_by("pk").first()
        if trainer is None or TrainingSession.objects.filter(client=client).exists():
            continue
        _load_client(
            by=by, client=client, trainer=trainer, facility=facility, as_of=as_of, created=created
        )
    return created


def _load_client(
    *,
    by: Actor,
    client: Client,
    trainer: Any,
    facility: Any,
    as_of: dt.date,
    created: Counter[str],
) -> None:
    code = _code_for(client)
    attended: list[TrainingSession] = []
    # Nothing can be attended or paid after today, whatever date the demo is built for.
    cutoff = min(as_of, timezone.localdate())
    for index, day in enumerate(_session_days(as_of)):
        future = day > cutoff
        session = session_log(
            by=by,
            client=client,
            trainer=trainer,
            date=day,
            code=code,
            charge=CHARGE,
            start_time=dt.time(7, 0),
            facility=facility if index % 3 == 0 else None,
            status=SessionStatus.SCHEDULED if future else SessionStatus.ATTENDED,
        )
        created["sessions"] += 1
        if not future:
            attended.append(session)

    if client.last_name == "Haller" and len(attended) >= 3:
        session_mark(by=by, session=attended[-3], status=SessionStatus.CANCELLED)
        session_mark(by=by, session=attended[-2], status=SessionStatus.NO_SHOW)
        session_mark(by=by, session=attended[-1], status=SessionStatus.SCHEDULED)
        attended = attended[:-3]

    if client.last_name == "Natarajan":
        # The package pays the sessions attended from its purchase on, as each is attended.
        package_purchase(
            by=by,
            client=client,
            purchased_on=attended[-10].date if len(attended) >= 10 else cutoff,
            sessions_count=10,
            price=Decimal("800.00"),
            method=PaymentMethod.HSA_FSA_CARD,
            name="10 sessions",
        )
        created["packages"] += 1
        attended = (
            [s for s in attended if s.date < attended[-10].date] if len(attended) >= 10 else []
        )

    # One payment a month, on the last session of the month.
    months: dict[tuple[int, int], list[TrainingSession]] = {}
    for session in attended:
        months.setdefault((session.date.year, session.date.month), []).append(session)
    payments = []
    for sessions in months.values():
        amounts = [CHARGE for _ in sessions]
        if client.last_name == "Bell" and sessions is list(months.values())[-1]:
            amounts[-1] = Decimal("40.00")
        payment = payment_record(
            by=by,
            client=client,
            received_on=sessions[-1].date,
            amount=sum(amounts, Decimal("0.00")),
            method=PaymentMethod.CARD,
            reference=f"card {sessions[-1].date:%m%d}",
            applications=list(zip(sessions, amounts, strict=True)),
        )
        payments.append(payment)
        created["payments"] += 1
    receipted = payments[:-1] if client.last_name == "Reyes" else payments
    for payment in receipted:
        receipt_issue_for_payment(by=by, payment=payment)
        created["receipts"] += 1
