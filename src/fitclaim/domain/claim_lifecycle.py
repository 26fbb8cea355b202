"""Claims: their lifecycle, and how much of a session each claim line holds.

A claim asks one funding source to reimburse some sessions. It goes
draft -> ready -> submitted -> paid, partially paid or denied -> appealed ->
closed, and can be withdrawn while it is still a draft or ready. A person moves
it along some of these steps; an answer from the payer (a recorded payment or
denial, an imported 835) moves it along the others.

Each dollar is reimbursed once. While a line waits for its answer it holds the
amount it asks for; once answered it holds what the payer actually paid; a
withdrawn claim holds nothing. The lines of all sources together never hold more
than the client paid for the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0.00")


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    SUBMITTED = "submitted"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    DENIED = "denied"
    APPEALED = "appealed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Channel(StrEnum):
    """How a claim was sent."""

    PORTAL = "portal"
    MAIL = "mail"
    FAX = "fax"
    EDI = "edi"


class LineStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    DENIED = "denied"


S = ClaimStatus

# A session on a claim in one of these statuses is "on an open claim" for its
# source: no second claim to that source may include it.
OPEN: frozenset[ClaimStatus] = frozenset(
    {S.DRAFT, S.READY, S.SUBMITTED, S.PAID, S.PARTIALLY_PAID, S.DENIED, S.APPEALED}
)
# Still waiting for the payer's answer (the claim-aging report counts these).
AWAITING_ANSWER: frozenset[ClaimStatus] = frozenset({S.SUBMITTED, S.APPEALED})
# Lines may still change: the builder's choices can be edited or dropped.
EDITABLE: frozenset[ClaimStatus] = frozenset({S.DRAFT})
# A payment or denial can be recorded: the claim is with the payer.
POSTABLE: frozenset[ClaimStatus] = AWAITING_ANSWER

# What a person may do.
TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.DRAFT: frozenset({S.READY, S.WITHDRAWN}),
    S.READY: frozenset({S.DRAFT, S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset(),
    S.PAID: frozenset({S.CLOSED}),
    S.PARTIALLY_PAID: frozenset({S.APPEALED, S.CLOSED}),
    S.DENIED: frozenset({S.APPEALED, S.CLOSED}),
    S.APPEALED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# What the payer's answer does (a recorded payment, denial or 835).
BY_ANSWER: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.SUBMITTED: frozenset({S.PAID, S.PARTIALLY_PAID, S.DENIED}),
    S.APPEALED: frozenset({S.PAID, S.PARTIALLY_PAID, S.DENIED}),
}

LABELS: dict[ClaimStatus, str] = {
    S.DRAFT: "draft",
    S.READY: "ready",
    S.SUBMITTED: "submitted",
    S.PAID: "paid",
    S.PARTIALLY_PAID: "partially paid",
    S.DENIED: "denied",
    S.APPEALED: "appealed",
    S.CLOSED: "closed",
    S.WITHDRAWN: "withdrawn",
}

WHY_NOT: dict[tuple[ClaimStatus, ClaimStatus], str] = {
    (S.DRAFT, S.SUBMITTED): "Mark the claim ready first: its packet check must pass.",
    (S.SUBMITTED, S.WITHDRAWN): "A submitted claim is with the payer: it can no longer be "
    "withdrawn. Record the payer's answer when it comes.",
    (S.SUBMITTED, S.PAID): "Record the payment: the claim is paid when every line is.",
    (S.SUBMITTED, S.DENIED): "Record the denial with its reason code (CARC).",
    (S.SUBMITTED, S.CLOSED): "A submitted claim waits for the payer's answer before it closes.",
    (S.PAID, S.APPEALED): "A claim paid in full has nothing to appeal.",
    (S.SUBMITTED, S.APPEALED): "Only a denied or partially paid claim can be appealed.",
    (S.READY, S.APPEALED): "Only a denied or partially paid claim can be appealed.",
    (S.DRAFT, S.APPEALED): "Only a denied or partially paid claim can be appealed.",
}


class IllegalTransition(Exception):
    def __init__(self, current: ClaimStatus, target: ClaimStatus) -> None:
        message = WHY_NOT.get(
            (current, target),
            f"A claim that is {LABELS[current]} cannot become {LABELS[target]}.",
        )
        super().__init__(message)
        self.current = current
        self.target = target


def check_transition(current: ClaimStatus, target: ClaimStatus, *, by_answer: bool = False) -> None:
    """Refuse a change of status the lifecycle does not allow, with the reason.
    `by_answer`: the change comes from the payer's answer, not from a person."""
    allowed = BY_ANSWER.get(current, frozenset()) if by_answer else TRANSITIONS[current]
    if target not in allowed:
        raise IllegalTransition(current, target)


def allowed_actions(current: ClaimStatus) -> frozenset[ClaimStatus]:
    """The statuses a person may move a claim to from here."""
    return TRANSITIONS[current]


def is_open(status: ClaimStatus) -> bool:
    return status in OPEN


@dataclass(frozen=True, slots=True)
class LineAnswer:
    """A claim line as the lifecycle sees it: what it asks for, whether the
    payer has answered it, and what the payer paid in total."""

    amount: Decimal
    answered: bool
    paid: Decimal = ZERO


def line_status(line: LineAnswer) -> LineStatus:
    """Pending until answered; then denied (nothing paid), paid (at least the
    amount asked) or partially paid."""
    if not line.answered:
        return LineStatus.PENDING
    if line.paid <= ZERO:
        return LineStatus.DENIED
    if line.paid >= line.amount:
        return LineStatus.PAID
    return LineStatus.PARTIALLY_PAID


def status_after_answer(lines: Iterable[LineAnswer]) -> ClaimStatus | None:
    """The claim's status once the payer has answered, or None while some line
    still waits (the claim keeps its status). Nothing paid on any line: denied;
    every line paid what it asked: paid; otherwise partially paid."""
    statuses = [line_status(line) for line in lines]
    if not statuses or LineStatus.PENDING in statuses:
        return None
    if all(status is LineStatus.DENIED for status in statuses):
        return S.DENIED
    if all(status is LineStatus.PAID for status in statuses):
        return S.PAID
    return S.PARTIALLY_PAID


def held_amount(*, claim_status: ClaimStatus, line: LineAnswer) -> Decimal:
    """How much of the session a claim line holds, so no other source claims it.

    A withdrawn claim holds nothing. A line still waiting holds what it asks
    for; an answered line holds what the payer paid, except while the claim is
    appealed, when it holds what it asks again (the appeal may yet pay it)."""
    if claim_status is S.WITHDRAWN:
        return ZERO
    if not line.answered:
        return line.amount
    if claim_status is S.APPEALED:
        return max(line.amount, line.paid)
    return line.paid


def unclaimed(*, paid: Decimal, held: Iterable[Decimal]) -> Decimal:
    """What is left of the money the client paid for a session once every
    claim line on it holds its share; never below zero."""
    return max(ZERO, paid - sum(held, ZERO))


__all__ = [
    "AWAITING_ANSWER",
    "BY_ANSWER",
    "EDITABLE",
    "LABELS",
    "OPEN",
    "POSTABLE",
    "TRANSITIONS",
    "Channel",
    "ClaimStatus",
    "IllegalTransition",
    "LineAnswer",
    "LineStatus",
    "allowed_actions",
    "check_transition",
    "held_amount",
    "is_open",
    "line_status",
    "status_after_answer",
    "unclaimed",
]
