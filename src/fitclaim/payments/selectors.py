"""Reading money: scoping, access, the lists, and the receipt and superbill
documents built from the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from fitclaim.clients.access import as_actor, as_pk, may_edit_visible_clients
from fitclaim.clients.models import Client
from fitclaim.clients.selectors import clients_visible_to
from fitclaim.documents.pdf import Letterhead
from fitclaim.documents.receipts import (
    ReceiptDocument,
    ReceiptItem,
    SuperbillDocument,
    SuperbillLine,
)
from fitclaim.domain.money import cents_from_decimal, decimal_from_cents
from fitclaim.domain.packages import package_shares
from fitclaim.domain.service_codes import service_code
from fitclaim.payments.models import (
    ZERO,
    Allocation,
    Package,
    Payment,
    Receipt,
    UploadedReceipt,
)
from fitclaim.training.models import SessionStatus, TrainingSession


def payments_visible_to(actor_or_user: Any) -> QuerySet[Payment]:
    actor = as_actor(actor_or_user)
    return Payment.objects.filter(
        organization_id=actor.membership.organization_id,
        client_id__in=clients_visible_to(actor).values("pk"),
    )


def access_payment(actor_or_user: Any, payment_id: Any, *, write: bool = False) -> Payment:
    """The payment, if the actor may see its client (and change it, with
    write=True); else 404."""
    actor = as_actor(actor_or_user)
    payment = (
        payments_visible_to(actor)
        .select_related("client", "package")
        .filter(pk=as_pk(payment_id))
        .first()
    )
    if payment is None or (write and not may_edit_visible_clients(actor)):
        raise Http404("not found")
    return payment


def access_uploaded_receipt(actor_or_user: Any, receipt_id: Any) -> UploadedReceipt:
    """An uploaded receipt of a client the actor may see; else 404."""
    actor = as_actor(actor_or_user)
    receipt = (
        UploadedReceipt.objects.filter(
            organization_id=actor.membership.organization_id,
            client_id__in=clients_visible_to(actor).values("pk"),
            pk=as_pk(receipt_id),
        )
        .select_related("file", "client")
        .first()
    )
    if receipt is None:
        raise Http404("not found")
    return receipt


def client_payments(*, client: Client) -> QuerySet[Payment]:
    """A client's payments, newest first, each with its package (if any) and the
    sessions it paid."""
    return (
        Payment.objects.filter(client_id=client.pk)
        .select_related("package")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("session").order_by(
                    "session__date", "pk"
                ),
            )
        )
        .order_by("-received_on", "-pk")
    )


def client_packages(*, client: Client) -> QuerySet[Package]:
    """A client's packages with how many sessions each has paid."""
    return (
        Package.objects.filter(client_id=client.pk)
        .select_related("payment")
        .annotate(used=Count("payment__allocations"))
        .order_by("-payment__received_on", "-pk")
    )


def client_uploaded_receipts(*, client: Client) -> QuerySet[UploadedReceipt]:
    return (
        UploadedReceipt.objects.filter(client_id=client.pk)
        .select_related("file")
        .prefetch_related(Prefetch("sessions", queryset=TrainingSession.objects.order_by("date")))
        .order_by("-created_at", "-pk")
    )


def package_summary(package: Package) -> dict[str, Any]:
    """What a package has paid and what it still holds."""
    used = getattr(package, "used", None)
    if used is None:
        used = package.payment.allocations.count()
    return {
        "used": used,
        "left": max(0, package.sessions_count - used),
        "held": package.payment.amount - package.payment.applied_total,
        "share": decimal_from_cents(
            package_shares(cents_from_decimal(package.price), package.sessions_count)[0]
        ),
    }


# --------------------------------------------------------------------- documents


def letterhead_of(organization: Any) -> Letterhead:
    return Letterhead(
        name=organization.name,
        address=organization.address,
        phone=organization.phone,
        tax_id=organization.tax_id,
        npi=organization.group_npi,
    )


def diagnoses_of(client: Client) -> tuple[tuple[str, str], ...]:
    from fitclaim.domain.codes import icd10_description

    return tuple((code, icd10_description(code) or "") for code in client.conditions)


def lmn_reference(client: Client, date_from: dt.date, date_to: dt.date) -> str:
    """The signed letter of medical necessity that covers the period, as a
    reference for a receipt ("LMN-00012 v1, Dr. Ana Lee, valid 2026-01-15 to
    2027-01-14"): the latest-ending signed letter whose validity overlaps the
    period, a revoked one only when nothing else covers it.

    Letters are their own app (fitclaim.lmns, model `Lmn`); it is read
    through its fields by name, so a receipt carries no reference (rather than
    failing) should that model be missing or change shape.
    """
    try:
        from fitclaim.lmns import models as lmn_models
    except ImportError:
        return ""
    model = next(
        (
            getattr(lmn_models, name)
            for name in ("Lmn", "LetterOfMedicalNecessity", "Letter")
            if hasattr(lmn_models, name)
        ),
        None,
    )
    if model is None:
        return ""
    names = {f.name for f in model._meta.get_fields()}
    if not {"client", "signed_on"} <= names:
        return ""
    letters = model.objects.filter(client_id=client.pk, signed_on__isnull=False)
    if {"valid_from", "valid_to"} <= names:
        letters = letters.filter(valid_from__lte=date_to, valid_to__gte=date_from)
    ordering = ["-valid_to"] if "valid_to" in names else []
    try:
        # A savepoint: a letter table that does not exist yet must not break
        # the caller's transaction.
        with transaction.atomic():
            candidates = list(letters.order_by(*ordering, "-pk")[:10])
    except DatabaseError:
        return ""
    if not candidates:
        return ""
    in_force = [c for c in candidates if getattr(c, "status", "") != "revoked"]
    letter = (in_force or candidates)[0]
    reference = str(getattr(letter, "reference", "") or f"LMN-{letter.pk}")
    if getattr(letter, "version", None):
        reference += f" v{letter.version}"
    parts = [reference]
    provider = getattr(letter, "provider", None) if "provider" in names else None
    if provider is not None:
        parts.append(str(getattr(provider, "name", provider)))
    if {"valid_from", "valid_to"} <= names:
        parts.append(f"valid {letter.valid_from} to {letter.valid_to}")
    return ", ".join(parts)


def _rendered_by(session: TrainingSession) -> str:
    return session.trainer.name


def receipt_document(receipt: Receipt) -> ReceiptDocument:
    """The PDF's content for a stored receipt: its lines as issued, with the
    client's and organization's details as they are now."""
    receipt = (
        Receipt.objects.select_related("client__organization", "payment__package")
        .prefetch_related("lines__session__trainer", "lines__allocation__payment")
        .get(pk=receipt.pk)
    )
    client = receipt.client
    lines = sorted(receipt.lines.all(), key=lambda line: (line.session.date, line.pk))
    items = tuple(
        ReceiptItem(
            date=line.session.date,
            code=line.session.code,
            description=_description(line.session.code),
            rendered_by=_rendered_by(line.session),
            units=line.session.units,
            charge=line.session.charge,
            paid=line.amount,
            paid_on=line.allocation.applied_on,
        )
        for line in lines
    )
    payments: dict[int, Payment] = {}
    for line in lines:
        payments[line.allocation.payment_id] = line.allocation.payment
    held = ZERO
    held_sessions = 0
    payment = receipt.payment
    if payment is not None:
        payments[payment.pk] = payment
        if hasattr(payment, "package"):
            used = payment.allocations.count()
            held = payment.amount - payment.applied_total
            held_sessions = max(0, payment.package.sessions_count - used)
        scope = (
            f"Payment of ${payment.amount:,.2f} received {payment.received_on.isoformat()} "
            f"({payment.get_method_display()}"
            + (f", ref. {payment.reference}" if payment.reference else "")
            + ")"
        )
    else:
        scope = f"Services from {receipt.date_from} to {receipt.date_to}"
    dates = [item.date for item in items] or [receipt.date_from or receipt.issued_on]
    return ReceiptDocument(
        letterhead=letterhead_of(client.organization),
        number=receipt.number,
        issued_on=receipt.issued_on,
        patient_name=client.name,
        patient_birth_date=client.birth_date,
        patient_address=client.address,
        diagnoses=diagnoses_of(client),
        lmn_reference=lmn_reference(client, min(dates), max(dates)),
        scope=scope,
        items=items,
        total=receipt.total,
        payments=tuple(
            (p.received_on, p.get_method_display(), p.reference, p.amount)
            for p in sorted(payments.values(), key=lambda p: (p.received_on, p.pk))
        ),
        held=held,
        held_sessions=held_sessions,
    )


def _description(code: str) -> str:
    entry = service_code(code)
    return entry.description if entry else code


def superbill_document(
    *, client: Client, date_from: dt.date, date_to: dt.date, issued_on: dt.date
) -> SuperbillDocument:
    """Every attended session of the period, with its diagnoses, codes, units,
    charges, what was paid, and the rendering trainer's credentials (valid on
    the session date) and NPI."""
    from fitclaim.funding.models import FundingKind
    from fitclaim.trainers.models import Credential

    sessions = list(
        TrainingSession.objects.filter(
            client_id=client.pk,
            status=SessionStatus.ATTENDED,
            date__gte=date_from,
            date__lte=date_to,
        )
        .select_related("trainer", "facility")
        .prefetch_related(
            Prefetch("trainer__credentials", queryset=Credential.objects.order_by("code"))
        )
        .order_by("date", "start_time", "pk")
    )
    lines = []
    for session in sessions:
        credentials = [
            c.code
            for c in session.trainer.credentials.all()
            if (c.issued is None or c.issued <= session.date) and session.date <= c.expires
        ]
        licensed = session.trainer.get_licensed_profession_display()
        if session.trainer.licensed_profession != "none":
            credentials.insert(0, licensed)
        lines.append(
            SuperbillLine(
                date=session.date,
                code=session.code,
                description=_description(session.code),
                units=session.units,
                charge=session.charge,
                paid=session.paid_total,
                trainer_name=session.trainer.name,
                trainer_credentials=", ".join(credentials),
                trainer_npi=session.trainer.npi,
                place=session.facility.name if session.facility else "",
            )
        )
    member_ids = "; ".join(
        f"{source.payer_name or source.name}: {source.member_id}"
        for source in client.funding_sources.filter(kind=FundingKind.INSURANCE).order_by(
            "order", "pk"
        )
        if source.member_id
    )
    organization = client.organization
    return SuperbillDocument(
        letterhead=letterhead_of(organization),
        issued_on=issued_on,
        date_from=date_from,
        date_to=date_to,
        patient_name=client.name,
        patient_birth_date=client.birth_date,
        patient_address=client.address,
        member_ids=member_ids,
        diagnoses=diagnoses_of(client),
        lmn_reference=lmn_reference(client, date_from, date_to),
        lines=tuple(lines),
    )


# --------------------------------------------------------------------- PDFs, audited


def receipt_pdf(*, by: Any, receipt: Receipt) -> bytes:
    """The receipt as a PDF; the download is in the audit trail."""
    from fitclaim.audit.services import audit_record
    from fitclaim.documents.receipts import render_receipt

    content = render_receipt(receipt_document(receipt))
    audit_record(
        actor=by,
        action="download",
        entity="receipt",
        entity_id=receipt.pk,
        client_id=receipt.client_id,
        summary=f"downloaded receipt {receipt.number}",
    )
    return content


def superbill_pdf(*, by: Any, client: Client, date_from: dt.date, date_to: dt.date) -> bytes:
    """The superbill of a period as a PDF; the download is in the audit trail."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from fitclaim.audit.services import audit_record
    from fitclaim.documents.receipts import render_superbill

    if date_to < date_from:
        raise ValidationError({"date_to": "the period ends before it starts"})
    document = superbill_document(
        client=client, date_from=date_from, date_to=date_to, issued_on=timezone.localdate()
    )
    content = render_superbill(document)
    audit_record(
        actor=by,
        action="download",
        entity="superbill",
        entity_id=client.pk,
        client_id=client.pk,
        summary=f"downloaded the superbill of {client.name} for {date_from} to {date_to}",
    )
    return content
