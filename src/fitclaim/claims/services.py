"""Changing claims: build one from the engine's payable decisions, move it
through its lifecycle, record the payer's answer, draft an appeal.

Each dollar once. A session is on at most one open claim per source (a partial
unique index refuses a second) and the lines of all sources together never hold
more than the client paid for it: the sessions are locked (claims.locks, in
primary-key order) before what the other lines hold is read, so two requests
building claims over the same sessions at the same moment are served one after
the other, and the second sees the first's lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record
from fitclaim.claims.locks import lock_claim, lock_sessions
from fitclaim.claims.models import (
    Adjustment,
    Answer,
    AnswerOrigin,
    Appeal,
    Claim,
    ClaimLine,
    EraImport,
    LinePosting,
    Status,
    SubmissionChannel,
)
from fitclaim.claims.selectors import (
    ZERO,
    Candidate,
    claim_candidates,
    earliest_claim_by,
    holds_by_session,
    money,
    total_of,
)
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.models import Client
from fitclaim.clients.problems import Problems
from fitclaim.clients.selectors import access_client
from fitclaim.domain.claim_lifecycle import (
    LABELS,
    OPEN,
    POSTABLE,
    ClaimStatus,
    IllegalTransition,
    LineAnswer,
    check_transition,
    status_after_answer,
)
from fitclaim.funding.models import FundingKind, FundingSource

CARC_DEDUCTIBLE = "1"
GROUPS = ("CO", "CR", "OA", "PI", "PR")


def today() -> dt.date:
    return timezone.localdate()


def _refuse(message: str, field_name: str = "status") -> ValidationError:
    return ValidationError({field_name: message})


def _require_writer(by: Actor, claim: Claim) -> Claim:
    """The claim, fresh, if `by` may change its client's records; else 404."""
    from fitclaim.claims.selectors import access_claim

    return access_claim(by, claim.pk, write=True)


def _audit(by: Actor | None, claim: Claim, summary: str, **changes: Any) -> None:
    audit_record(
        actor=by,
        organization=claim.organization if by is None else None,
        action="update" if changes.get("status") else "action",
        entity="claim",
        entity_id=claim.pk,
        client_id=claim.client_id,
        changes=changes,
        summary=summary,
    )


# --------------------------------------------------------------------- building


def _source_of(by: Actor, client: Client, source: Any) -> FundingSource:
    from fitclaim.funding.selectors import access_funding_source

    source_id = getattr(source, "pk", source)
    try:
        return access_funding_source(by, source_id, client_id=client.pk)
    except Http404:
        raise ValidationError(
            {"source": f"not a funding source of {client.name}: {source_id!r}"}
        ) from None


@transaction.atomic
def claim_build(
    *,
    by: Actor,
    client: Client,
    source: Any,
    session_ids: Sequence[Any] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    as_of: dt.date | None = None,
    payer_id: str = "",
    notes: str = "",
) -> Claim:
    """Create a draft claim to `source` for the client's payable sessions: all
    of them, those in a date range, or those chosen by hand (`session_ids`),
    each for the engine's amount as of `as_of` (default today).

    A session chosen by hand that cannot be claimed (not payable by this
    source, already on an open claim to it, blocked by a claim check, or held
    in full by claims to other sources) is refused by name; with "all" or a
    range it is left out. An amount is cut to what other claims leave of what
    the client paid, checked under the sessions' row locks."""
    client = access_client(by, client.pk, write=True)
    source = _source_of(by, client, source)
    as_of = as_of or today()
    problems = Problems()
    if as_of > today():
        problems.add("as_of", "the engine's date cannot be in the future")
    if date_from and date_to and date_to < date_from:
        problems.add("date_to", "the range ends before it starts")
    wanted: list[int] | None = None
    if session_ids is not None:
        wanted = []
        for raw in session_ids:
            try:
                wanted.append(int(getattr(raw, "pk", raw)))
            except (TypeError, ValueError):
                problems.add("session_ids", f"not a session id: {raw!r}")
        if not wanted and "session_ids" not in problems:
            problems.add("session_ids", "choose at least one session")
    problems.raise_if_any()

    preview = claim_candidates(client=client, source=source, as_of=as_of)
    if preview.error:
        raise ValidationError({"source": preview.error})
    if wanted is not None:
        by_pk = {c.session.pk: c for c in preview.candidates}
        for pk in wanted:
            candidate = by_pk.get(pk)
            if candidate is None:
                problems.add(
                    "session_ids",
                    f"session {pk}: not payable by {source.name} as of {as_of}",
                )
            elif not candidate.claimable:
                problems.add(
                    "session_ids",
                    f"session of {candidate.session.date}: {candidate.problem or 'nothing left'}",
                )
        problems.raise_if_any()
    chosen = preview.choose(session_ids=wanted, date_from=date_from, date_to=date_to)
    if not chosen:
        raise ValidationError(
            {
                "session_ids" if wanted is not None else "source": (
                    f"nothing to claim from {source.name}: no payable session "
                    + ("in that range " if date_from or date_to else "")
                    + "that is not already claimed"
                )
            }
        )

    # Under the locks: what the other claims hold now, not when we looked.
    sessions = lock_sessions(c.session.pk for c in chosen)
    holds = holds_by_session(sessions)
    lines: list[tuple[Candidate, Decimal]] = []
    for candidate in chosen:
        session = sessions[candidate.session.pk]
        session_holds = holds.get(session.pk, [])
        label = f"session of {session.date}"
        taken = [h for h in session_holds if h.open and h.source_id == source.pk]
        held = sum((h.held for h in session_holds), ZERO)
        amount = min(candidate.engine_amount, max(ZERO, session.paid_total - held))
        if taken or amount <= 0:
            why = (
                f"already on claim {taken[0].claim_number}"
                if taken
                else "what the client paid is held in full by other claims"
            )
            if wanted is not None:
                problems.add("session_ids", f"{label}: {why}")
            continue
        lines.append((candidate, amount))
    problems.raise_if_any()
    if not lines:
        raise ValidationError(
            {"source": f"nothing left to claim from {source.name}: another claim took it"}
        )
    try:
        with transaction.atomic():
            claim = _create_claim(
                by=by,
                client=client,
                source=source,
                as_of=as_of,
                lines=lines,
                payer_id=payer_id or _previous_payer_id(source),
                notes=notes,
            )
    except IntegrityError:
        # The unique index saw a line we did not: another claim got there first.
        raise ValidationError(
            {"source": "another claim to this source took one of these sessions a moment ago"}
        ) from None
    audit_record(
        actor=by,
        action="create",
        entity="claim",
        entity_id=claim.pk,
        client_id=client.pk,
        changes={
            "source": [None, source.engine_id],
            "total": [None, claim.total],
            "sessions": [None, [candidate.session.pk for candidate, _ in lines]],
            "as_of": [None, as_of],
        },
        summary=f"built claim {claim.number} to {source.name} for {claim.total} "
        f"({len(lines)} session{'s' if len(lines) != 1 else ''}) for {client.name}",
    )
    return claim


def _previous_payer_id(source: FundingSource) -> str:
    last = (
        Claim.objects.filter(source=source)
        .exclude(payer_id="")
        .order_by("-pk")
        .values_list("payer_id", flat=True)
        .first()
    )
    return last or ""


def _create_claim(
    *,
    by: Actor,
    client: Client,
    source: FundingSource,
    as_of: dt.date,
    lines: list[tuple[Candidate, Decimal]],
    payer_id: str,
    notes: str,
) -> Claim:
    candidates = [candidate for candidate, _ in lines]
    claim = Claim.objects.create(
        organization_id=client.organization_id,
        client=client,
        source=source,
        kind=source.kind,
        status=Status.DRAFT,
        as_of=as_of,
        total=sum((amount for _, amount in lines), ZERO),
        charge_total=sum((c.session.charge for c in candidates), ZERO),
        claim_by=earliest_claim_by(candidates),
        payer_id=(payer_id or "").strip()[:80],
        notes=(notes or "").strip(),
        created_by=by.user,
    )
    ClaimLine.objects.bulk_create(
        [
            ClaimLine(
                organization_id=client.organization_id,
                claim=claim,
                session=candidate.session,
                source=source,
                open=True,
                date=candidate.session.date,
                code=candidate.session.code,
                units=candidate.session.units,
                charge=candidate.session.charge,
                amount=amount,
                predicted=candidate.engine_amount,
                claim_by=candidate.claim_by,
                lmn_id=candidate.lmn_id,
                preauthorization_id=candidate.preauth_id,
            )
            for candidate, amount in lines
        ]
    )
    return claim


def claim_preview_totals(candidates: Iterable[Candidate]) -> tuple[Decimal, dt.date | None]:
    """The claim total and the earliest claim-by date of a choice, before saving."""
    chosen = list(candidates)
    return total_of(chosen), earliest_claim_by(chosen)


# --------------------------------------------------------------------- the lifecycle


def _transition(claim: Claim, target: ClaimStatus, *, by_answer: bool = False) -> ClaimStatus:
    current = ClaimStatus(claim.status)
    try:
        check_transition(current, target, by_answer=by_answer)
    except IllegalTransition as exc:
        raise _refuse(str(exc)) from None
    claim.status = target.value
    if target not in OPEN:
        claim.lines.update(open=False)
    return current


@transaction.atomic
def claim_update(
    *, by: Actor, claim: Claim, payer_id: str | None = None, notes: str | None = None
) -> Claim:
    """Change what may change before submission: the 837P payer id and notes."""
    claim = _require_writer(by, claim)
    claim, _ = lock_claim(claim.pk)
    changes: dict[str, list[Any]] = {}
    if payer_id is not None and payer_id.strip() != claim.payer_id:
        if claim.status not in (Status.DRAFT, Status.READY):
            raise _refuse("the payer id can change only before the claim is submitted", "payer_id")
        changes["payer_id"] = [claim.payer_id, payer_id.strip()[:80]]
        claim.payer_id = payer_id.strip()[:80]
    if notes is not None and notes.strip() != claim.notes:
        changes["notes"] = [claim.notes, notes.strip()]
        claim.notes = notes.strip()
    if changes:
        claim.save()
        _audit(by, claim, f"changed claim {claim.number}", **changes)
    return claim


@transaction.atomic
def claim_mark_ready(*, by: Actor, claim: Claim) -> Claim:
    """Draft -> ready, once the claim passes its checks: the packet check for
    FSA, HSA and wellness claims (what an administrator would reject), the
    data an insurer needs for an insurance claim. Every problem is named."""
    from fitclaim.claims.packets import readiness_checks

    claim = _require_writer(by, claim)
    claim, _ = lock_claim(claim.pk)
    if claim.status != Status.DRAFT:
        raise _refuse(str(IllegalTransition(ClaimStatus(claim.status), ClaimStatus.READY)))
    checks = readiness_checks(claim)
    if checks:
        raise ValidationError({"checks": [check.message for check in checks]})
    before = _transition(claim, ClaimStatus.READY)
    claim.save()
    _audit(by, claim, f"marked claim {claim.number} ready", status=[before, claim.status])
    return claim


@transaction.atomic
def claim_back_to_draft(*, by: Actor, claim: Claim) -> Claim:
    claim = _require_writer(by, claim)
    claim, _ = lock_claim(claim.pk)
    before = _transition(claim, ClaimStatus.DRAFT)
    claim.save()
    _audit(by, claim, f"returned claim {claim.number} to draft", status=[before, claim.status])
    return claim


@transaction.atomic
def claim_submit(
    *,
    by: Actor,
    claim: Claim,
    submitted_on: dt.date | None,
    channel: str,
    reference: str = "",
) -> Claim:
    """Ready -> submitted, on a date, by a channel (portal, mail, fax, EDI). An
    electronic submission is an 837P, which needs the organization's NPI."""
    from fitclaim.domain.claim_checks import check_billing_npi

    claim = _require_writer(by, claim)
    problems = Problems()
    if submitted_on is None:
        problems.add("submitted_on", "required")
    elif submitted_on > today():
        problems.add("submitted_on", "a claim cannot be submitted in the future")
    if channel not in SubmissionChannel.values:
        problems.add("channel", f"one of {', '.join(SubmissionChannel.values)}")
    elif channel == SubmissionChannel.EDI:
        if claim.kind != FundingKind.INSURANCE:
            problems.add("channel", "only insurance claims go electronically (837P)")
        npi = check_billing_npi(provider_submitted=True, billing_npi=claim.organization.group_npi)
        if npi is not None:
            problems.add("channel", npi.message)
    problems.raise_if_any()
    assert submitted_on is not None
    claim, _ = lock_claim(claim.pk)
    before = _transition(claim, ClaimStatus.SUBMITTED)
    claim.submitted_on = submitted_on
    claim.channel = channel
    claim.submission_reference = (reference or "").strip()[:100]
    claim.save()
    _audit(
        by,
        claim,
        f"submitted claim {claim.number} by {claim.get_channel_display().lower()} "
        f"on {submitted_on}",
        status=[before, claim.status],
        submitted_on=[None, submitted_on],
        channel=[None, channel],
    )
    return claim


@transaction.atomic
def claim_withdraw(*, by: Actor, claim: Claim, reason: str = "") -> Claim:
    """Draft or ready -> withdrawn: its sessions are free to claim again."""
    claim = _require_writer(by, claim)
    claim, _ = lock_claim(claim.pk)
    before = _transition(claim, ClaimStatus.WITHDRAWN)
    claim.closed_on = today()
    if reason.strip():
        claim.notes = (claim.notes + "\n" if claim.notes else "") + f"Withdrawn: {reason.strip()}"
    claim.save()
    _audit(by, claim, f"withdrew claim {claim.number}", status=[before, claim.status])
    return claim


@transaction.atomic
def claim_close(*, by: Actor, claim: Claim) -> Claim:
    """Paid, partially paid, denied or appealed -> closed: nothing more is expected."""
    claim = _require_writer(by, claim)
    claim, _ = lock_claim(claim.pk)
    before = _transition(claim, ClaimStatus.CLOSED)
    claim.closed_on = today()
    claim.save()
    _audit(by, claim, f"closed claim {claim.number}", status=[before, claim.status])
    return claim


# --------------------------------------------------------------------- the payer's answer


@dataclass
class LineAnswerIn:
    """What the payer answered for one line: paid (0 for a denial), the part
    applied to the deductible, adjustments (group, CARC, amount) and remarks."""

    line_id: int
    paid: Any
    deductible: Any = "0.00"
    adjustments: list[tuple[str, str, Any]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    allowed: Any = None


def _money_in(value: Any, name: str, problems: Problems, *, signed: bool = False) -> Decimal | None:
    if isinstance(value, float):
        problems.add(name, "write amounts as text with two decimals, not as a float")
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        problems.add(name, f"not an amount: {value!r}")
        return None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        problems.add(name, f"at most two decimals: {value!r}")
        return None
    if amount < 0 and not signed:
        problems.add(name, "cannot be negative")
        return None
    if abs(amount) > Decimal("99999999.99"):
        problems.add(name, "too large")
        return None
    return amount.quantize(Decimal("0.01"))


def _check_code(value: str, name: str, problems: Problems) -> str:
    code = (value or "").strip().upper()
    if not code or len(code) > 5 or not code.isalnum():
        problems.add(name, f"not a reason code: {value!r}")
    return code


@transaction.atomic
def claim_record_answer(
    *,
    by: Actor | None,
    claim: Claim,
    received_on: dt.date | None,
    lines: Sequence[LineAnswerIn] | None = None,
    reference: str = "",
    claim_adjustments: Sequence[tuple[str, str, Any]] = (),
    payer_claim_number: str = "",
    status_code: str = "",
    era: EraImport | None = None,
    notes: str = "",
) -> Answer:
    """Record what the payer paid or denied, per line. Without `lines`, every
    line still waiting is paid what it asked.

    Refused, naming the line, when the claim is not with the payer, a line is
    not the claim's, a line already answered is answered again outside an
    appeal, or what payers together paid for a session would exceed what the
    client paid for it (the engine's settlements never exceed `paid`). The
    claim becomes paid, partially paid or denied once every line is answered."""
    if by is not None:
        claim = _require_writer(by, claim)
    problems = Problems()
    if received_on is None:
        problems.add("received_on", "required")
    elif received_on > today():
        problems.add("received_on", "an answer cannot be dated in the future")
    problems.raise_if_any()
    assert received_on is not None
    claim, sessions = lock_claim(claim.pk)
    if claim.status not in {s.value for s in POSTABLE}:
        raise _refuse(
            f"claim {claim.number} is {LABELS[ClaimStatus(claim.status)]}: only a submitted or "
            "appealed claim can be answered"
        )
    claim_lines = {line.pk: line for line in claim.lines.order_by("pk")}
    if lines is None:
        lines = [
            LineAnswerIn(line_id=line.pk, paid=line.amount)
            for line in claim_lines.values()
            if not line.answered
        ]
    appealed = claim.status == Status.APPEALED
    planned: list[tuple[ClaimLine, Decimal, Decimal, LineAnswerIn]] = []
    seen: set[int] = set()
    for index, entry in enumerate(lines):
        name = f"lines[{index}]"
        line = claim_lines.get(int(entry.line_id)) if str(entry.line_id).isdigit() else None
        if line is None:
            problems.add("lines", f"{name}: line {entry.line_id} is not on claim {claim.number}")
            continue
        if line.pk in seen:
            problems.add("lines", f"{name}: line of {line.date} is answered twice")
            continue
        seen.add(line.pk)
        paid = _money_in(entry.paid, f"{name}.paid", problems)
        deductible = _money_in(entry.deductible or "0.00", f"{name}.deductible", problems)
        for group, reason, amount in entry.adjustments:
            if (group or "").strip().upper() not in GROUPS:
                problems.add(f"{name}.adjustments", f"group {group!r}: one of {', '.join(GROUPS)}")
            _check_code(reason, f"{name}.adjustments", problems)
            _money_in(amount, f"{name}.adjustments", problems, signed=True)
        if entry.allowed not in (None, ""):
            _money_in(entry.allowed, f"{name}.allowed", problems)
        if line.answered and not appealed:
            problems.add(
                "lines",
                f"{name}: the line of {line.date} was already answered; appeal the claim to "
                "record a new answer",
            )
            continue
        if paid is None or deductible is None:
            continue
        planned.append((line, paid, deductible, entry))
    for group, reason, amount in claim_adjustments:
        if (group or "").strip().upper() not in GROUPS:
            problems.add("claim_adjustments", f"group {group!r}: one of {', '.join(GROUPS)}")
        _check_code(reason, "claim_adjustments", problems)
        _money_in(amount, "claim_adjustments", problems, signed=True)
    if not planned and not problems:
        problems.add("lines", "no line to answer: every line already has its answer")
    problems.raise_if_any()

    # What payers paid, with what other claims still hold, stays within what
    # the client paid: the engine's settlements never exceed `paid`.
    holds = holds_by_session([line.session_id for line, *_ in planned], exclude_claim=claim.pk)
    for line, paid, _deductible, _entry in planned:
        session = sessions[line.session_id]
        others = holds.get(line.session_id, [])
        held = sum((h.held for h in others), ZERO)
        total = held + line.paid + paid
        if total > session.paid_total:
            named = ", ".join(f"{h.claim_number} {money(h.held)}" for h in others if h.held)
            problems.add(
                "lines",
                f"the line of {line.date}: {money(line.paid + paid)} paid"
                + (f" with {named} on other claims" if named else "")
                + f" is more than the {money(session.paid_total)} the client paid for the "
                "session; a dollar is reimbursed once",
            )
    problems.raise_if_any()

    answer = Answer.objects.create(
        organization_id=claim.organization_id,
        claim=claim,
        received_on=received_on,
        reference=(reference or "").strip()[:80],
        paid=sum((paid for _, paid, _, _ in planned), ZERO),
        origin=AnswerOrigin.ERA if era is not None else AnswerOrigin.MANUAL,
        era=era,
        status_code=(status_code or "")[:4],
        payer_claim_number=(payer_claim_number or "").strip()[:80],
        notes=(notes or "").strip(),
        created_by=by.user if by is not None else None,
    )
    adjustments: list[Adjustment] = []
    for line, paid, deductible, entry in planned:
        LinePosting.objects.create(
            organization_id=claim.organization_id,
            answer=answer,
            line=line,
            paid=paid,
            deductible=deductible,
            allowed=None if entry.allowed in (None, "") else Decimal(str(entry.allowed)),
            remarks=[r.strip().upper() for r in entry.remarks if r.strip()],
        )
        line.answered = True
        line.paid += paid
        line.deductible += deductible
        line.save(update_fields=["answered", "paid", "deductible"])
        adjustments += [
            Adjustment(
                organization_id=claim.organization_id,
                answer=answer,
                line=line,
                group=group.strip().upper(),
                reason=reason.strip().upper(),
                amount=Decimal(str(amount)),
            )
            for group, reason, amount in entry.adjustments
        ]
    adjustments += [
        Adjustment(
            organization_id=claim.organization_id,
            answer=answer,
            line=None,
            group=group.strip().upper(),
            reason=reason.strip().upper(),
            amount=Decimal(str(amount)),
        )
        for group, reason, amount in claim_adjustments
    ]
    Adjustment.objects.bulk_create(adjustments)

    before = claim.status
    claim.paid_total += answer.paid
    claim.answered_on = received_on
    if payer_claim_number:
        claim.payer_claim_number = payer_claim_number.strip()[:80]
    new_status = status_after_answer(
        LineAnswer(amount=line.amount, answered=line.answered, paid=line.paid)
        for line in claim.lines.all()
    )
    if new_status is not None:
        _transition(claim, new_status, by_answer=True)
    claim.save()
    what = "denial" if answer.paid == 0 else f"payment of {answer.paid}"
    audit_record(
        actor=by,
        organization=claim.organization if by is None else None,
        action="update",
        entity="claim",
        entity_id=claim.pk,
        client_id=claim.client_id,
        changes={
            "status": [before, claim.status],
            "paid": [None, answer.paid],
            "received_on": [None, received_on],
            "lines": [None, {str(line.pk): str(paid) for line, paid, _, _ in planned}],
            "origin": [None, answer.origin],
        },
        summary=f"recorded the {what} for claim {claim.number}"
        + (f" from 835 {era.trace_number}" if era is not None and era.trace_number else ""),
    )
    return answer


# --------------------------------------------------------------------- appeals


@transaction.atomic
def appeal_draft(*, by: Actor, claim: Claim, line: Any) -> Appeal:
    """Draft an appeal letter for a denied or underpaid line, from the denial
    reason, the letter of medical necessity, the pre-authorization and the
    plan's terms. The draft can be edited until it is sent."""
    from fitclaim.claims.packets import appeal_body

    claim = _require_writer(by, claim)
    line_pk = getattr(line, "pk", line)
    found = claim.lines.filter(pk=line_pk).first() if str(line_pk).isdigit() else None
    if found is None:
        raise ValidationError({"line": f"line {line_pk} is not on claim {claim.number}"})
    if claim.status not in (Status.DENIED, Status.PARTIALLY_PAID, Status.APPEALED):
        raise _refuse("only a denied or partially paid claim can be appealed")
    if not found.answered or found.paid >= found.amount:
        raise ValidationError({"line": f"the line of {found.date} was paid in full"})
    reason, body = appeal_body(claim, found)
    appeal = Appeal.objects.create(
        organization_id=claim.organization_id,
        claim=claim,
        line=found,
        reason=reason,
        body=body,
        created_by=by.user,
    )
    _audit(by, claim, f"drafted appeal {appeal.reference} for claim {claim.number}")
    return appeal


@transaction.atomic
def appeal_update(*, by: Actor, appeal: Appeal, body: str) -> Appeal:
    claim = _require_writer(by, appeal.claim)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk, claim=claim)
    if appeal.sent_on is not None:
        raise _refuse("a sent appeal cannot change", "body")
    if not body.strip():
        raise ValidationError({"body": "required"})
    appeal.body = body.strip()
    appeal.save(update_fields=["body"])
    _audit(by, claim, f"edited appeal {appeal.reference}")
    return appeal


@transaction.atomic
def appeal_send(*, by: Actor, appeal: Appeal, sent_on: dt.date | None) -> Appeal:
    """Mark the appeal sent: the claim becomes appealed, and its denied lines
    hold what they ask again until the payer answers."""
    claim = _require_writer(by, appeal.claim)
    if sent_on is None:
        raise ValidationError({"sent_on": "required"})
    if sent_on > today():
        raise ValidationError({"sent_on": "cannot be in the future"})
    claim, _ = lock_claim(claim.pk)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk, claim=claim)
    if appeal.sent_on is not None:
        raise _refuse(f"appeal {appeal.reference} was sent on {appeal.sent_on}")
    before = claim.status
    if claim.status != Status.APPEALED:
        _transition(claim, ClaimStatus.APPEALED)
        claim.save()
    appeal.sent_on = sent_on
    appeal.save(update_fields=["sent_on"])
    _audit(
        by,
        claim,
        f"sent appeal {appeal.reference} for claim {claim.number}",
        status=[before, claim.status],
    )
    return appeal


def may_change_claims(actor: Actor) -> bool:
    return may_edit_visible_clients(actor)


__all__ = [
    "LineAnswerIn",
    "appeal_draft",
    "appeal_send",
    "appeal_update",
    "claim_back_to_draft",
    "claim_build",
    "claim_close",
    "claim_mark_ready",
    "claim_record_answer",
    "claim_submit",
    "claim_update",
    "claim_withdraw",
]
