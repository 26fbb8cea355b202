"""Changing money: record a payment, buy a package, apply packages to attended
sessions, issue receipts, upload outside receipts.

Rows are locked in one order (sessions by pk, then payments by pk) so two
services running at once never wait on each other in a circle. The running
totals (`TrainingSession.paid_total`, `Payment.applied_total`) are changed with
UPDATE ... SET x = x + amount, and the database's check constraints refuse a
total above the charge or the payment, whatever ran concurrently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.http import Http404
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Role
from fitclaim.audit.services import audit_record
from fitclaim.clients.models import Client
from fitclaim.clients.problems import Problems
from fitclaim.clients.selectors import access_client
from fitclaim.domain.money import cents_from_decimal, decimal_from_cents
from fitclaim.domain.packages import next_share
from fitclaim.payments.models import (
    ZERO,
    Allocation,
    Package,
    Payment,
    PaymentMethod,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    UploadedReceipt,
    UploadedReceiptSession,
)
from fitclaim.training.models import SessionStatus, TrainingSession
from fitclaim.training.services import money_problem

MAX_PACKAGE_SESSIONS = 200


def today() -> dt.date:
    return timezone.localdate()


def _positive_money(value: Any, name: str, problems: Problems) -> Decimal | None:
    amount, message = money_problem(value)
    if message:
        problems.add(name, message)
        return None
    assert amount is not None
    if amount <= 0:
        problems.add(name, "must be more than 0.00")
        return None
    return amount


def _add_to_session(session_id: int, amount: Decimal) -> None:
    TrainingSession.objects.filter(pk=session_id).update(paid_total=F("paid_total") + amount)


def _add_to_payment(payment_id: int, amount: Decimal) -> None:
    Payment.objects.filter(pk=payment_id).update(applied_total=F("applied_total") + amount)


# --------------------------------------------------------------------- payments


Application = tuple[Any, Any]  # (a session or its id, an amount)


def _check_applications(
    *, client: Client, payment_amount: Decimal | None, applications: Iterable[Application]
) -> list[tuple[TrainingSession, Decimal]]:
    """Lock the sessions and check each application; raise every problem at once.

    Problems are keyed `applications` (the form shows them above the list) with
    the session named, so a page and the API both say which line is wrong.
    """
    problems = Problems()
    wanted: list[tuple[int, Any]] = []
    for raw_session, raw_amount in applications:
        session_id = getattr(raw_session, "pk", raw_session)
        try:
            wanted.append((int(session_id), raw_amount))
        except (TypeError, ValueError):
            problems.add("applications", f"not a session id: {raw_session!r}")
    ids = sorted({session_id for session_id, _ in wanted})
    if len(ids) != len(wanted):
        problems.add("applications", "a session is listed twice")
    sessions = {
        s.pk: s
        for s in TrainingSession.objects.select_for_update()
        .filter(client_id=client.pk, pk__in=ids)
        .order_by("pk")
    }
    checked: list[tuple[TrainingSession, Decimal]] = []
    total = Decimal("0.00")
    for session_id, raw_amount in wanted:
        session = sessions.get(session_id)
        if session is None:
            problems.add("applications", f"session {session_id}: not a session of {client.name}")
            continue
        label = f"session of {session.date:%Y-%m-%d}"
        amount, message = money_problem(raw_amount)
        if message or amount is None:
            problems.add("applications", f"{label}: {message}")
            continue
        if amount == 0:
            continue
        if session.status != SessionStatus.ATTENDED:
            problems.add(
                "applications",
                f"{label}: only attended sessions can be paid for (it is "
                f"{session.get_status_display().lower()}); FSAs and HSAs reimburse only "
                "services already received",
            )
            continue
        left = session.charge - session.paid_total
        if amount > left:
            problems.add(
                "applications",
                f"{label}: {amount} is more than what is left to pay on it ({left} of "
                f"{session.charge})",
            )
            continue
        total += amount
        checked.append((session, amount))
    if payment_amount is not None and total > payment_amount:
        problems.add(
            "applications",
            f"the applications add up to {total}, more than the payment ({payment_amount})",
        )
    problems.raise_if_any()
    return checked


def _allocate(
    *, payment: Payment, applications: Sequence[tuple[TrainingSession, Decimal]], on: dt.date
) -> list[Allocation]:
    allocations = Allocation.objects.bulk_create(
        [
            Allocation(
                organization_id=payment.organization_id,
                payment=payment,
                session=session,
                amount=amount,
                applied_on=on,
            )
            for session, amount in applications
        ]
    )
    for session, amount in applications:
        _add_to_session(session.pk, amount)
    total = sum((amount for _, amount in applications), Decimal("0.00"))
    if total:
        _add_to_payment(payment.pk, total)
    return allocations


@transaction.atomic
def payment_record(
    *,
    by: Actor,
    client: Client,
    received_on: dt.date | None,
    amount: Any,
    method: str,
    reference: str = "",
    notes: str = "",
    applications: Iterable[Application] = (),
) -> Payment:
    """Record money a client paid, applied to one or more attended sessions
    (`applications`: (session, amount) pairs). What is not applied stays on the
    payment as a credit, to apply later with `payment_apply`. No session is ever
    paid more than its charge, and no payment applied beyond its amount."""
    client = access_client(by, client.pk, write=True)
    problems = Problems()
    if received_on is None:
        problems.add("received_on", "required")
    elif received_on > today():
        problems.add("received_on", "a payment cannot be dated in the future")
    money = _positive_money(amount, "amount", problems)
    if method not in PaymentMethod.values:
        problems.add("method", f"one of {', '.join(PaymentMethod.values)}")
    problems.raise_if_any()
    assert money is not None and received_on is not None
    applications = list(applications)
    checked = _check_applications(client=client, payment_amount=money, applications=applications)
    payment = Payment.objects.create(
        organization_id=client.organization_id,
        client=client,
        received_on=received_on,
        amount=money,
        method=method,
        reference=(reference or "").strip()[:100],
        notes=(notes or "").strip(),
        created_by=by.user,
    )
    _allocate(payment=payment, applications=checked, on=received_on)
    payment.refresh_from_db()
    audit_record(
        actor=by,
        action="create",
        entity="payment",
        entity_id=payment.pk,
        client_id=client.pk,
        changes={
            "received_on": [None, received_on],
            "amount": [None, money],
            "method": [None, method],
            "reference": [None, payment.reference],
            "applied": [None, {str(s.pk): str(a) for s, a in checked}],
        },
        summary=f"recorded a payment of {money} from {client.name}",
    )
    return payment


@transaction.atomic
def payment_apply(*, by: Actor, payment: Payment, applications: Iterable[Application]) -> Payment:
    """Apply what is left of a payment to attended sessions (a credit used later)."""
    client = access_client(by, payment.client_id, write=True)
    if hasattr(payment, "package"):
        raise ValidationError(
            {"applications": "a package is applied by attendance, one share per session"}
        )
    checked = _check_applications(client=client, payment_amount=None, applications=applications)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    total = sum((amount for _, amount in checked), Decimal("0.00"))
    if payment.applied_total + total > payment.amount:
        raise ValidationError(
            {"applications": f"only {payment.unapplied} of this payment is left to apply"}
        )
    # The credit pays these sessions from today: that is when it was applied.
    _allocate(payment=payment, applications=checked, on=today())
    payment.refresh_from_db()
    audit_record(
        actor=by,
        action="update",
        entity="payment",
        entity_id=payment.pk,
        client_id=client.pk,
        changes={"applied": [None, {str(s.pk): str(a) for s, a in checked}]},
        summary=f"applied {total} of a payment from {client.name}",
    )
    return payment


# --------------------------------------------------------------------- packages


@transaction.atomic
def package_purchase(
    *,
    by: Actor,
    client: Client,
    purchased_on: dt.date | None,
    sessions_count: Any,
    price: Any,
    method: str,
    reference: str = "",
    name: str = "",
) -> Package:
    """Sell a prepaid package, for example 10 sessions for 800.00. The payment is
    held; each attended session dated on or after the purchase takes its share
    (price / count, the last one the remainder) as it is attended, starting with
    attended sessions not yet paid for."""
    client = access_client(by, client.pk, write=True)
    problems = Problems()
    if purchased_on is None:
        problems.add("purchased_on", "required")
    elif purchased_on > today():
        problems.add("purchased_on", "a payment cannot be dated in the future")
    money = _positive_money(price, "price", problems)
    count = None
    try:
        count = int(sessions_count)
        if isinstance(sessions_count, float) or not 1 <= count <= MAX_PACKAGE_SESSIONS:
            raise ValueError
    except (TypeError, ValueError):
        problems.add("sessions_count", f"a whole number from 1 to {MAX_PACKAGE_SESSIONS}")
        count = None
    if method not in PaymentMethod.values:
        problems.add("method", f"one of {', '.join(PaymentMethod.values)}")
    problems.raise_if_any()
    assert money is not None and count is not None and purchased_on is not None
    payment = Payment.objects.create(
        organization_id=client.organization_id,
        client=client,
        received_on=purchased_on,
        amount=money,
        method=method,
        reference=(reference or "").strip()[:100],
        created_by=by.user,
    )
    package = Package.objects.create(
        organization_id=client.organization_id,
        client=client,
        payment=payment,
        name=(name or "").strip()[:100] or f"{count} sessions for {money}",
        sessions_count=count,
        price=money,
    )
    audit_record(
        actor=by,
        action="create",
        entity="package",
        entity_id=package.pk,
        client_id=client.pk,
        changes={
            "sessions_count": [None, count],
            "price": [None, money],
            "purchased_on": [None, purchased_on],
            "method": [None, method],
            "payment_id": [None, payment.pk],
        },
        summary=f"sold {client.name} a package of {count} sessions for {money}",
    )
    packages_apply(by=by, client=client)
    return package


def _open_packages(client_id: int, on: dt.date) -> list[Package]:
    """The client's packages bought on or before a date with money left, oldest
    first, locked."""
    return list(
        Package.objects.select_for_update()
        .filter(client_id=client_id, payment__received_on__lte=on)
        .filter(payment__applied_total__lt=F("payment__amount"))
        .select_related("payment")
        .order_by("payment__received_on", "pk")
    )


def _apply_share(*, by: Actor, session: TrainingSession, packages: list[Package]) -> bool:
    """Give an attended, unpaid session its share of the first open package.
    The session is charged the package's per-session price: that is what the
    client paid for it, and what a receipt and a claim show."""
    for package in packages:
        payment = Payment.objects.select_for_update().get(pk=package.payment_id)
        applied = Allocation.objects.filter(payment_id=payment.pk).aggregate(
            n=Count("pk"), total=Sum("amount")
        )
        share_cents = next_share(
            price_cents=cents_from_decimal(package.price),
            count=package.sessions_count,
            applied_cents=cents_from_decimal(applied["total"] or ZERO),
            applied_count=applied["n"],
        )
        if share_cents <= 0:
            continue
        share = decimal_from_cents(share_cents)
        before_charge = session.charge
        TrainingSession.objects.filter(pk=session.pk).update(charge=share, paid_total=share)
        Allocation.objects.create(
            organization_id=session.organization_id,
            payment=payment,
            session=session,
            amount=share,
            applied_on=max(session.date, payment.received_on),
        )
        _add_to_payment(payment.pk, share)
        audit_record(
            actor=by,
            action="update",
            entity="session",
            entity_id=session.pk,
            client_id=session.client_id,
            changes={
                "charge": [before_charge, share],
                "paid_total": [ZERO, share],
                "package_id": [None, package.pk],
            },
            summary=f"applied {share} of package {package.pk} to the {session.date} session",
        )
        return True
    return False


def package_apply_to_session(*, by: Actor, session: TrainingSession) -> bool:
    """Pay an attended session from the client's open package, if it has one and
    nothing has been paid toward the session yet. Called inside the caller's
    transaction (session_log, session_mark)."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.ATTENDED or session.paid_total > 0:
        return False
    packages = _open_packages(session.client_id, session.date)
    return _apply_share(by=by, session=session, packages=packages) if packages else False


def packages_apply(*, by: Actor, client: Client) -> int:
    """Apply the client's open packages to every attended, unpaid session dated
    on or after a purchase, oldest first. Returns how many sessions were paid."""
    first = (
        Package.objects.filter(client_id=client.pk, payment__applied_total__lt=F("payment__amount"))
        .order_by("payment__received_on")
        .values_list("payment__received_on", flat=True)
        .first()
    )
    if first is None:
        return 0
    candidates = (
        TrainingSession.objects.select_for_update()
        .filter(client_id=client.pk, status=SessionStatus.ATTENDED, paid_total=0, date__gte=first)
        .order_by("date", "start_time", "pk")
    )
    paid = 0
    for session in candidates:
        packages = _open_packages(client.pk, session.date)
        if not packages:
            continue
        if _apply_share(by=by, session=session, packages=packages):
            paid += 1
    return paid


def package_release_from_session(*, by: Actor, session: TrainingSession) -> None:
    """A session is no longer attended: its package share goes back to the
    package. Refused when a receipt already lists that money."""
    allocations = list(
        Allocation.objects.select_for_update()
        .filter(session_id=session.pk, payment__package__isnull=False)
        .order_by("pk")
    )
    if not allocations:
        return
    receipted = ReceiptLine.objects.filter(allocation__in=allocations).select_related("receipt")
    line = receipted.first()
    if line is not None:
        raise ValidationError(
            {
                "status": f"receipt {line.receipt.number} already lists this session as "
                "attended and paid: it cannot be changed now"
            }
        )
    for allocation in allocations:
        TrainingSession.objects.filter(pk=session.pk).update(
            paid_total=F("paid_total") - allocation.amount
        )
        Payment.objects.filter(pk=allocation.payment_id).update(
            applied_total=F("applied_total") - allocation.amount
        )
        audit_record(
            actor=by,
            action="update",
            entity="session",
            entity_id=session.pk,
            client_id=session.client_id,
            changes={"package_share_released": [str(allocation.amount), None]},
            summary=f"released {allocation.amount} of a package from the {session.date} session",
        )
        allocation.delete()


# --------------------------------------------------------------------- receipts


def _coverage_key(parts: Iterable[object]) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _issue(
    *,
    by: Actor,
    client: Client,
    kind: str,
    allocations: list[Allocation],
    payment: Payment | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Receipt:
    ids = sorted(a.pk for a in allocations)
    key = _coverage_key([kind, payment.pk if payment else "", date_from or "", date_to or "", *ids])
    existing = Receipt.objects.filter(organization_id=client.organization_id, coverage_key=key)
    receipt = existing.first()
    if receipt is not None:
        return receipt
    total = sum((a.amount for a in allocations), Decimal("0.00"))
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(
                organization_id=client.organization_id,
                client=client,
                kind=kind,
                payment=payment,
                date_from=date_from,
                date_to=date_to,
                issued_on=today(),
                total=total,
                coverage_key=key,
                created_by=by.user,
            )
    except IntegrityError:
        # Someone issued the same receipt a moment ago: it is the same receipt.
        return existing.get()
    ReceiptLine.objects.bulk_create(
        [
            ReceiptLine(
                organization_id=client.organization_id,
                receipt=receipt,
                allocation=allocation,
                session_id=allocation.session_id,
                amount=allocation.amount,
            )
            for allocation in allocations
        ]
    )
    audit_record(
        actor=by,
        action="create",
        entity="receipt",
        entity_id=receipt.pk,
        client_id=client.pk,
        changes={"total": [None, total], "sessions": [None, len(ids)]},
        summary=f"issued receipt {receipt.number} to {client.name} for {total}",
    )
    return receipt


@transaction.atomic
def receipt_issue_for_payment(*, by: Actor, payment: Payment) -> Receipt:
    """The itemized receipt of one payment: the sessions it has paid so far. A
    package's receipt lists only the sessions attended so far; the money still
    held is shown, but it is not an expense yet."""
    client = access_client(by, payment.client_id)
    allocations = list(
        Allocation.objects.filter(payment_id=payment.pk).order_by("session__date", "pk")
    )
    return _issue(
        by=by, client=client, kind=ReceiptKind.PAYMENT, allocations=allocations, payment=payment
    )


@transaction.atomic
def receipt_issue_for_range(
    *, by: Actor, client: Client, date_from: dt.date, date_to: dt.date
) -> Receipt:
    """The itemized receipt of every session dated in a period (inclusive) and
    what was paid toward it."""
    client = access_client(by, client.pk)
    if date_to < date_from:
        raise ValidationError({"date_to": "the period ends before it starts"})
    allocations = list(
        Allocation.objects.filter(
            session__client_id=client.pk,
            session__date__gte=date_from,
            session__date__lte=date_to,
        ).order_by("session__date", "session__start_time", "pk")
    )
    return _issue(
        by=by,
        client=client,
        kind=ReceiptKind.RANGE,
        allocations=allocations,
        date_from=date_from,
        date_to=date_to,
    )


# --------------------------------------------------------------------- uploaded receipts


def may_upload_receipts(by: Actor, client: Client) -> bool:
    """Staff who may change the client's records, and the client themself (the
    portal is where clients upload receipts from elsewhere)."""
    from fitclaim.clients.access import may_edit_visible_clients

    if by.role == Role.CLIENT:
        return by.membership.client_id == client.pk
    return may_edit_visible_clients(by)


@transaction.atomic
def receipt_upload(
    *,
    by: Actor,
    client: Client,
    name: str,
    content: bytes,
    sessions: Iterable[Any],
    description: str = "",
) -> UploadedReceipt:
    """Keep an outside receipt (PDF, JPEG or PNG; checked by content, size-limited,
    encrypted at rest) and attach it to the sessions it proves. A session with
    an attached receipt counts as receipted."""
    from fitclaim.files.models import FilePurpose
    from fitclaim.files.services import check_upload, file_store

    client = access_client(by, client.pk)
    if not may_upload_receipts(by, client):
        raise Http404("not found")
    problems = Problems()
    ids: list[int] = []
    for raw in sessions:
        try:
            ids.append(int(getattr(raw, "pk", raw)))
        except (TypeError, ValueError):
            problems.add("sessions", f"not a session id: {raw!r}")
    found = list(TrainingSession.objects.filter(client_id=client.pk, pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {s.pk for s in found})
    if missing:
        problems.add(
            "sessions",
            f"not sessions of {client.name}: {', '.join(str(m) for m in missing)}",
        )
    if not ids and "sessions" not in problems:
        problems.add("sessions", "choose the sessions this receipt is for")
    try:
        check_upload(content, field="file")
    except ValidationError as exc:
        problems.update_from(exc.message_dict)
    problems.raise_if_any()
    stored = file_store(
        by=by,
        organization=client.organization,
        purpose=FilePurpose.RECEIPT,
        name=name,
        content=content,
        client=client,
    )
    receipt = UploadedReceipt.objects.create(
        organization_id=client.organization_id,
        client=client,
        file=stored,
        description=(description or "").strip()[:200],
        uploaded_by=by.user,
    )
    on = today()
    UploadedReceiptSession.objects.bulk_create(
        [
            UploadedReceiptSession(
                organization_id=client.organization_id,
                receipt=receipt,
                session=session,
                attached_on=on,
            )
            for session in found
        ]
    )
    audit_record(
        actor=by,
        action="create",
        entity="uploaded_receipt",
        entity_id=receipt.pk,
        client_id=client.pk,
        changes={"file_id": [None, stored.pk], "sessions": [None, [s.pk for s in found]]},
        summary=f"uploaded receipt {stored.original_name} for {len(found)} session(s) "
        f"of {client.name}",
    )
    return receipt


def uploaded_receipt_read(*, by: Actor, receipt: UploadedReceipt) -> bytes:
    """The uploaded file's content; the download is in the audit trail."""
    from fitclaim.files.services import file_read

    return file_read(by=by, stored=receipt.file)


__all__ = [
    "package_apply_to_session",
    "package_purchase",
    "package_release_from_session",
    "packages_apply",
    "payment_apply",
    "payment_record",
    "receipt_issue_for_payment",
    "receipt_issue_for_range",
    "receipt_upload",
    "uploaded_receipt_read",
]
