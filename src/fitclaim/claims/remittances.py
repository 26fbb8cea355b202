"""Importing an 835 remittance: match each claim payment to a fitclaim claim,
then post every payment and adjustment, or nothing.

Each CLP is matched by CLP01, the claim id fitclaim sent in CLM01 (FC000123);
each service line by the line item control number sent in REF*6R (L45), else
by code and date. Anything that cannot be matched exactly or does not add up is
reported with its line in the file, and then nothing is posted: posting is one
transaction per file (NOTES.md). Deviations from the implementation guide that
leave the data readable (pyx12's findings) are warnings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record
from fitclaim.claims.models import (
    Claim,
    ClaimLine,
    EraImport,
    claim_pk_from_number,
    line_pk_from_control,
)
from fitclaim.claims.selectors import ZERO, claims_visible_to, holds_by_session, money
from fitclaim.claims.services import LineAnswerIn, claim_record_answer
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.domain.claim_lifecycle import LABELS, POSTABLE, ClaimStatus
from fitclaim.funding.models import FundingKind
from fitclaim.interop.x12.carc import DEDUCTIBLE
from fitclaim.interop.x12.remittance import (
    REVERSAL,
    Adjustment,
    ClaimPayment,
    Remittance,
    X12ReadError,
    parse_835,
    remittance_warnings,
)

MAX_BYTES = 5 * 1024 * 1024


@dataclass
class ClaimMatch:
    """One CLP and what it would post to which fitclaim claim."""

    payment: ClaimPayment
    claim: Claim | None = None
    lines: list[LineAnswerIn] = field(default_factory=list)
    claim_adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"CLP {self.payment.claim_id!r} (line {self.payment.line})"


@dataclass
class EraReport:
    file_name: str
    sha256: str = ""
    remittance: Remittance | None = None
    matches: list[ClaimMatch] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    posted: bool = False
    era_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and not any(m.problems for m in self.matches)

    @property
    def all_problems(self) -> list[str]:
        return self.problems + [f"{m.label}: {p}" for m in self.matches for p in m.problems]

    def as_dict(self) -> dict[str, Any]:
        remittance = self.remittance
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "posted": self.posted,
            "era_id": self.era_id,
            "payer": remittance.payer_name if remittance else "",
            "trace_number": remittance.trace_number if remittance else "",
            "payment_date": (
                remittance.payment_date.isoformat()
                if remittance and remittance.payment_date
                else None
            ),
            "total_paid": money(remittance.total_paid) if remittance else "0.00",
            "claims": [
                {
                    "clp01": m.payment.claim_id,
                    "line": m.payment.line,
                    "status": m.payment.status,
                    "status_words": m.payment.status_words,
                    "charge": money(m.payment.charge),
                    "paid": money(m.payment.paid),
                    "claim_id": m.claim.pk if m.claim else None,
                    "claim_number": m.claim.number if m.claim else None,
                    "problems": m.problems,
                    "notes": m.notes,
                }
                for m in self.matches
            ],
            "problems": self.all_problems,
            "warnings": self.warnings,
        }


def _deductible(adjustments: list[Adjustment]) -> Decimal:
    return sum((a.amount for a in adjustments if a.group == "PR" and a.reason == DEDUCTIBLE), ZERO)


def _triples(adjustments: list[Adjustment]) -> list[tuple[str, str, Decimal]]:
    return [(a.group, a.reason, a.amount) for a in adjustments]


def _match_lines(match: ClaimMatch, lines: list[ClaimLine]) -> None:
    payment = match.payment
    claim = match.claim
    assert claim is not None
    if not payment.services:
        if len(lines) == 1:
            line = lines[0]
            match.lines.append(
                LineAnswerIn(
                    line_id=line.pk,
                    paid=payment.paid,
                    deductible=_deductible(payment.adjustments),
                    adjustments=_triples(payment.adjustments),
                    remarks=list(payment.remarks),
                )
            )
        elif payment.paid == 0:
            match.lines += [LineAnswerIn(line_id=line.pk, paid=ZERO) for line in lines]
            match.claim_adjustments = _triples(payment.adjustments)
        else:
            match.problems.append(
                f"pays {money(payment.paid)} for {len(lines)} lines without naming them "
                "(no SVC): record it by hand, line by line"
            )
        return
    by_pk = {line.pk: line for line in lines}
    used: set[int] = set()
    for service in payment.services:
        line: ClaimLine | None = None
        if service.control:
            pk = line_pk_from_control(service.control)
            line = by_pk.get(pk) if pk is not None else None
            if line is None:
                match.problems.append(
                    f"line {service.line}: REF*6R {service.control!r} is not a line of "
                    f"{claim.number}"
                )
                continue
        else:
            line = next(
                (
                    candidate
                    for candidate in lines
                    if candidate.pk not in used
                    and candidate.code == service.code
                    and (service.date is None or candidate.date == service.date)
                ),
                None,
            )
            if line is None:
                match.problems.append(
                    f"line {service.line}: no line of {claim.number} is {service.code} on "
                    f"{service.date or 'an unstated date'}"
                )
                continue
        if line.pk in used:
            match.problems.append(f"line {service.line}: the line of {line.date} is paid twice")
            continue
        used.add(line.pk)
        if service.charge != line.charge:
            match.problems.append(
                f"line {service.line}: charge {money(service.charge)}, but we billed "
                f"{money(line.charge)} for the line of {line.date}"
            )
        if service.paid < 0:
            match.problems.append(f"line {service.line}: a negative payment is not supported")
            continue
        match.lines.append(
            LineAnswerIn(
                line_id=line.pk,
                paid=service.paid,
                deductible=_deductible(service.adjustments),
                adjustments=_triples(service.adjustments),
                remarks=list(service.remarks),
                allowed=service.allowed,
            )
        )
    match.claim_adjustments = _triples(payment.adjustments)
    services_paid = sum((s.paid for s in payment.services), ZERO)
    if services_paid != payment.paid:
        match.problems.append(
            f"the service lines pay {money(services_paid)}, the claim payment says "
            f"{money(payment.paid)}"
        )
    for line in lines:
        if line.pk not in used and not line.answered:
            match.notes.append(f"the line of {line.date} is not answered in this file")


def _check_totals(match: ClaimMatch, lines: list[ClaimLine]) -> None:
    """What payers paid for each session, with what other claims hold, stays
    within what the client paid (the same rule posting enforces under locks)."""
    claim = match.claim
    assert claim is not None
    by_pk = {line.pk: line for line in lines}
    holds = holds_by_session([line.session_id for line in lines], exclude_claim=claim.pk)
    for answer in match.lines:
        line = by_pk[answer.line_id]
        held = sum((h.held for h in holds.get(line.session_id, [])), ZERO)
        total = held + line.paid + Decimal(answer.paid)
        if total > line.session.paid_total:
            match.problems.append(
                f"the line of {line.date}: {money(line.paid + Decimal(answer.paid))} paid, with "
                f"{money(held)} held by other claims, is more than the "
                f"{money(line.session.paid_total)} the client paid"
            )


def era_plan(*, by: Actor, text: str, file_name: str = "") -> EraReport:
    """Read the 835 and match every claim payment; write nothing."""
    report = EraReport(file_name=file_name)
    data = text.encode("utf-8", "replace")
    report.sha256 = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_BYTES:
        report.problems.append(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        return report
    try:
        remittance = parse_835(text)
    except X12ReadError as exc:
        report.problems.append(str(exc))
        return report
    report.remittance = remittance
    report.warnings = list(remittance.warnings) + remittance_warnings(text)
    existing = EraImport.objects.filter(
        organization_id=by.membership.organization_id, sha256=report.sha256
    ).first()
    if existing is not None:
        report.problems.append(
            f"this file was already imported on {timezone.localtime(existing.created_at):%Y-%m-%d}"
        )
    if not remittance.claims:
        report.problems.append("the file holds no claim payment (CLP)")
    if not may_edit_visible_clients(by):
        report.problems.append("you may not record payments")
        return report
    visible = claims_visible_to(by).select_related("client", "source", "organization")
    seen: dict[int, ClaimMatch] = {}
    for payment in remittance.claims:
        match = ClaimMatch(payment=payment)
        report.matches.append(match)
        pk = claim_pk_from_number(payment.claim_id)
        claim = visible.filter(pk=pk).first() if pk is not None else None
        if claim is None:
            match.problems.append(
                "no fitclaim claim has this id (CLM01 we sent looks like FC000123)"
            )
            continue
        match.claim = claim
        if pk in seen:
            match.problems.append(f"{claim.number} is paid twice in this file")
            continue
        seen[pk] = match
        if claim.kind != FundingKind.INSURANCE:
            match.problems.append(f"{claim.number} is not an insurance claim")
        if claim.status not in {s.value for s in POSTABLE}:
            when = f" on {claim.answered_on}" if claim.answered_on else ""
            match.problems.append(
                f"{claim.number} is {LABELS[ClaimStatus(claim.status)]}{when}: only a submitted "
                "or appealed claim takes a payment"
            )
        if payment.status == REVERSAL:
            match.problems.append("reversals (CLP02 22) are not supported: record it by hand")
        if payment.paid < 0:
            match.problems.append("a negative claim payment is not supported")
        if payment.charge != claim.charge_total:
            match.problems.append(
                f"charge {money(payment.charge)}, but {claim.number} billed "
                f"{money(claim.charge_total)}"
            )
        if match.problems:
            continue
        lines = list(claim.lines.select_related("session").order_by("date", "pk"))
        _match_lines(match, lines)
        if not match.problems:
            _check_totals(match, lines)
    if remittance.claims and not report.problems:
        paid = sum((c.paid for c in remittance.claims), ZERO)
        adjusted = sum((p.amount for p in remittance.provider_adjustments), ZERO)
        if paid - adjusted != remittance.total_paid:
            report.warnings.append(
                f"BPR02 says {money(remittance.total_paid)}; the claims pay {money(paid)}"
                + (f" less provider adjustments {money(adjusted)}" if adjusted else "")
            )
    return report


def _received_on(remittance: Remittance) -> dt.date:
    today = timezone.localdate()
    day = remittance.payment_date or remittance.production_date or today
    return min(day, today)


def era_import(
    *,
    by: Actor,
    text: str,
    file_name: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> EraReport:
    """Post an 835 in full, or nothing: every claim payment matched and
    consistent, then posted in one transaction. The report says what was (or
    would be) posted and every reason nothing was."""
    report = era_plan(by=by, text=text, file_name=file_name)
    if not report.ok or dry_run:
        if not report.ok:
            audit_record(
                actor=by,
                action="action",
                entity="era_import",
                summary=f"refused 835 {file_name or report.sha256[:12]}: "
                + "; ".join(report.all_problems)[:250],
            )
        return report
    remittance = report.remittance
    assert remittance is not None
    received_on = _received_on(remittance)
    total = len(report.matches)
    try:
        with transaction.atomic():
            era = EraImport.objects.create(
                organization_id=by.membership.organization_id,
                file_name=(file_name or "")[:255],
                sha256=report.sha256,
                content=text,
                payer_name=remittance.payer_name[:200],
                trace_number=remittance.trace_number[:80],
                payment_date=remittance.payment_date,
                total_paid=remittance.total_paid,
                claims_count=total,
                warnings=report.warnings[:200],
                created_by=by.user,
            )
            for index, match in enumerate(report.matches, start=1):
                assert match.claim is not None
                try:
                    claim_record_answer(
                        by=by,
                        claim=match.claim,
                        received_on=received_on,
                        lines=match.lines,
                        reference=remittance.trace_number,
                        claim_adjustments=match.claim_adjustments,
                        payer_claim_number=match.payment.payer_claim_number,
                        status_code=match.payment.status,
                        era=era,
                    )
                except ValidationError as exc:
                    messages = [m for ms in exc.message_dict.values() for m in ms]
                    match.problems += messages
                    raise
                if progress is not None:
                    progress(index, total)
            audit_record(
                actor=by,
                action="create",
                entity="era_import",
                entity_id=era.pk,
                summary=f"posted 835 {remittance.trace_number or file_name}: {total} claim "
                f"payment(s), {money(remittance.total_paid)}",
            )
    except ValidationError:
        report.problems.append("nothing was posted")
        return report
    except IntegrityError:
        report.problems.append("this file was already imported a moment ago; nothing was posted")
        return report
    report.posted = True
    report.era_id = era.pk
    return report
