"""Reading claims: scoping and access, the builder's candidates, what each line
holds of its session, settlements for the engine case, and the claim page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.claims.case import client_result, decision_for, decisions_by_session, engine_pk
from fitclaim.claims.models import (
    OPEN_STATUSES,
    Adjustment,
    Claim,
    ClaimLine,
    LinePosting,
    Status,
)
from fitclaim.clients.access import as_actor, as_pk, may_edit_visible_clients
from fitclaim.clients.models import Client
from fitclaim.coverage import engine_ids
from fitclaim.domain.case_checks import InvalidCase
from fitclaim.domain.claim_checks import (
    ClaimCheck,
    SessionLine,
    check_code_license,
    check_esignature,
)
from fitclaim.domain.claim_lifecycle import (
    ClaimStatus,
    LineAnswer,
    LineStatus,
    held_amount,
    line_status,
)
from fitclaim.domain.money import money_text
from fitclaim.funding.models import FundingKind, FundingSource
from fitclaim.interop.x12.carc import carc_words, rarc_words, reasons_for
from fitclaim.training.models import TrainingSession

ZERO = Decimal("0.00")


money = money_text


# --------------------------------------------------------------------- scoping


def claims_visible_to(actor_or_user: Any) -> QuerySet[Claim]:
    """The claims of the clients the actor may see (clients_visible_to)."""
    from fitclaim.clients.selectors import clients_visible_to

    actor = as_actor(actor_or_user)
    return Claim.objects.filter(
        organization_id=actor.membership.organization_id,
        client_id__in=clients_visible_to(actor).values("pk"),
    )


def access_claim(actor_or_user: Any, claim_id: Any, *, write: bool = False) -> Claim:
    """The claim, if the actor may see its client (and change it, with
    write=True: admins, billing and the client's trainers); else 404."""
    actor = as_actor(actor_or_user)
    claim = (
        claims_visible_to(actor)
        .select_related("client", "source", "organization")
        .filter(pk=as_pk(claim_id))
        .first()
    )
    if claim is None or (write and not may_edit_visible_clients(actor)):
        raise Http404("not found")
    return claim


def claim_list(
    *,
    actor: Actor,
    client_id: Any = None,
    status: str = "",
    kind: str = "",
    source_id: Any = None,
    min_age_days: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Claim]:
    """The claims the actor may see, newest first, filtered by client, status,
    source kind or source, and age (days since submission, for those submitted)."""
    claims = claims_visible_to(actor).select_related("client", "source")
    if client_id is not None:
        claims = claims.filter(client_id=as_pk(client_id))
    if status == "open":
        claims = claims.filter(status__in=OPEN_STATUSES)
    elif status:
        claims = claims.filter(status=status)
    if kind:
        claims = claims.filter(kind=kind)
    if source_id:
        claims = claims.filter(source_id=as_pk(source_id))
    if min_age_days is not None:
        day = (today or dt.date.today()) - dt.timedelta(days=min_age_days)
        claims = claims.filter(submitted_on__isnull=False, submitted_on__lte=day)
    return claims.order_by("-created_at", "-pk")


# --------------------------------------------------------------------- what lines hold


@dataclass(frozen=True, slots=True)
class Hold:
    """A claim line's share of its session."""

    claim_id: int
    claim_number: str
    source_id: int
    open: bool
    answered: bool
    held: Decimal
    paid: Decimal


def holds_by_session(
    session_ids: Iterable[int], *, exclude_claim: int | None = None
) -> dict[int, list[Hold]]:
    """For each session, what every claim line on it holds (withdrawn claims
    hold nothing and are left out)."""
    lines = (
        ClaimLine.objects.filter(session_id__in=list(session_ids))
        .exclude(claim__status=Status.WITHDRAWN)
        .values_list(
            "session_id",
            "claim_id",
            "source_id",
            "open",
            "answered",
            "amount",
            "paid",
            "claim__status",
        )
    )
    holds: dict[int, list[Hold]] = defaultdict(list)
    for session_id, claim_id, source_id, is_open, answered, amount, paid, status in lines:
        if claim_id == exclude_claim:
            continue
        held = held_amount(
            claim_status=ClaimStatus(status),
            line=LineAnswer(amount=amount, answered=answered, paid=paid),
        )
        holds[session_id].append(
            Hold(
                claim_id=claim_id,
                claim_number=f"FC{claim_id:06d}",
                source_id=source_id,
                open=is_open,
                answered=answered,
                held=held,
                paid=paid,
            )
        )
    return holds


# --------------------------------------------------------------------- for the engine case


def settlements_for_case(*, client: Client, as_of: dt.date) -> dict[int, list[dict[str, str]]]:
    """What payers actually answered for each of the client's sessions, as the
    engine's `settled` entries (session pk -> entries): one per source, with
    the amount paid ("0.00" for a denied line: the payer has decided) and, for
    insurance, the part applied to the deductible. Only answers received on or
    before `as_of` count; withdrawn claims have none."""
    rows = (
        LinePosting.objects.filter(line__claim__client_id=client.pk, answer__received_on__lte=as_of)
        .exclude(line__claim__status=Status.WITHDRAWN)
        .values("line__session_id", "line__source_id", "line__source__kind")
        .annotate(paid=Sum("paid"), deductible=Sum("deductible"))
        .order_by("line__session_id", "line__source_id")
    )
    settled: dict[int, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        entry = {
            "source": engine_ids.source_id(row["line__source_id"]),
            "amount": money(row["paid"]),
        }
        if row["line__source__kind"] == FundingKind.INSURANCE:
            entry["deductible"] = money(row["deductible"] or ZERO)
        settled[row["line__session_id"]].append(entry)
    return dict(settled)


def claimed_session_sources(client_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(session pk, source engine id) for every session on an open claim (any
    status but closed and withdrawn) of these clients."""
    rows = ClaimLine.objects.filter(open=True, claim__client_id__in=list(client_ids)).values_list(
        "session_id", "source_id"
    )
    return {(session_id, engine_ids.source_id(source_id)) for session_id, source_id in rows}


# --------------------------------------------------------------------- the builder


@dataclass(slots=True)
class Candidate:
    """A session the engine says the source can pay, and how much a claim may
    ask for it now: the engine's amount, cut to what other claims leave."""

    session: TrainingSession
    engine_amount: Decimal
    held_elsewhere: Decimal
    amount: Decimal
    claim_by: dt.date | None
    lmn_id: int | None
    preauth_id: int | None
    problem: str = ""

    @property
    def claimable(self) -> bool:
        return not self.problem and self.amount > 0


@dataclass(slots=True)
class BuilderPreview:
    client: Client
    source: FundingSource
    as_of: dt.date
    candidates: list[Candidate] = field(default_factory=list)
    ineligible: int = 0
    error: str = ""

    @property
    def claimable(self) -> list[Candidate]:
        return [c for c in self.candidates if c.claimable]

    @property
    def blocked(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.claimable]

    def choose(
        self,
        *,
        session_ids: Sequence[int] | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> list[Candidate]:
        """The claimable candidates chosen by hand (ids), by a date range, or all."""
        chosen = self.claimable
        if session_ids is not None:
            wanted = set(session_ids)
            chosen = [c for c in chosen if c.session.pk in wanted]
        if date_from is not None:
            chosen = [c for c in chosen if c.session.date >= date_from]
        if date_to is not None:
            chosen = [c for c in chosen if c.session.date <= date_to]
        return chosen


def total_of(candidates: Iterable[Candidate]) -> Decimal:
    return sum((c.amount for c in candidates), ZERO)


def earliest_claim_by(candidates: Iterable[Candidate]) -> dt.date | None:
    dates = [c.claim_by for c in candidates if c.claim_by is not None]
    return min(dates) if dates else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def builder_checks(
    *, source: FundingSource, session: TrainingSession, lmn: Any | None
) -> list[ClaimCheck]:
    """The claim checks that block this session on a claim to this source
    (NOTES.md: building a claim enforces them)."""
    checks: list[ClaimCheck] = []
    license_check = check_code_license(
        SessionLine(
            id=str(session.pk),
            code=session.code,
            trainer_name=session.trainer.name,
            profession=session.trainer.licensed_profession,
        )
    )
    if license_check is not None:
        checks.append(license_check)
    if lmn is not None:
        esign = check_esignature(
            source=source.engine_id,
            source_name=source.name,
            refuses_esignature=not source.accepts_esignature,
            letter_signed_electronically=lmn.signature_method == "electronic",
        )
        if esign is not None:
            checks.append(esign)
    return [check for check in checks if check.blocks_kind(source.kind)]


def claim_candidates(
    *, client: Client, source: FundingSource, as_of: dt.date, result: dict[str, Any] | None = None
) -> BuilderPreview:
    """Every session the engine says `source` can pay as of `as_of`, with the
    amount a new claim may ask, or why it cannot be claimed now (already on an
    open claim to this source, blocked by a claim check, or held in full by
    claims to other sources)."""
    from fitclaim.lmns.models import Lmn

    preview = BuilderPreview(client=client, source=source, as_of=as_of)
    if result is None:
        try:
            result = client_result(client=client, as_of=as_of)
        except InvalidCase as exc:
            preview.error = (
                "The client's records do not make a valid case: "
                + "; ".join(str(problem) for problem in exc.problems)[:500]
            )
            return preview
    entries = decisions_by_session(result)
    payable: dict[int, dict[str, Any]] = {}
    for pk, entry in entries.items():
        decision = decision_for(entry, source.engine_id)
        if decision is None:
            continue
        if decision["status"] == "payable" and Decimal(decision["amount"]) > 0:
            payable[pk] = {"decision": decision, "lmn": entry.get("lmn")}
        elif decision["status"] == "ineligible":
            preview.ineligible += 1
    if not payable:
        return preview
    sessions = {
        s.pk: s
        for s in TrainingSession.objects.filter(pk__in=payable, client_id=client.pk)
        .select_related("trainer", "facility")
        .order_by("date", "pk")
    }
    letters = {
        lmn.pk: lmn
        for lmn in Lmn.objects.filter(
            pk__in=[engine_pk(p["lmn"]) for p in payable.values() if p["lmn"]]
        )
    }
    holds = holds_by_session(sessions)
    for pk, session in sessions.items():
        decision = payable[pk]["decision"]
        lmn = letters.get(engine_pk(payable[pk]["lmn"]) or 0)
        session_holds = holds.get(pk, [])
        held = sum((h.held for h in session_holds), ZERO)
        engine_amount = Decimal(decision["amount"])
        amount = min(engine_amount, max(ZERO, session.paid_total - held))
        candidate = Candidate(
            session=session,
            engine_amount=engine_amount,
            held_elsewhere=held,
            amount=amount,
            claim_by=_date(decision.get("claim_by")),
            lmn_id=lmn.pk if lmn else None,
            preauth_id=engine_pk(decision.get("preauthorization")),
        )
        same_source = [h for h in session_holds if h.open and h.source_id == source.pk]
        if same_source:
            candidate.problem = f"already on claim {same_source[0].claim_number}"
        else:
            checks = builder_checks(source=source, session=session, lmn=lmn)
            if checks:
                candidate.problem = " ".join(check.message for check in checks)
            elif amount <= 0:
                others = ", ".join(h.claim_number for h in session_holds if h.held > 0)
                candidate.problem = f"held in full by {others}"
        preview.candidates.append(candidate)
    return preview


# --------------------------------------------------------------------- the claim page


@dataclass(slots=True)
class AdjustmentView:
    group: str
    reason: str
    amount: Decimal
    words: str
    reasons: tuple[str, ...]


@dataclass(slots=True)
class LineView:
    """A line with its prediction beside the payer's answer."""

    line: ClaimLine
    status: LineStatus
    adjustments: list[AdjustmentView]
    remarks: list[tuple[str, str]]
    verdict: str

    @property
    def denial_reasons(self) -> list[AdjustmentView]:
        return [a for a in self.adjustments if a.reasons]


def _verdict(line: ClaimLine, status: LineStatus, adjustments: list[AdjustmentView]) -> str:
    if status is LineStatus.PENDING:
        return ""
    mapped = list(dict.fromkeys(reason for a in adjustments for reason in a.reasons))
    if status is LineStatus.DENIED:
        if mapped:
            return (
                f"Denied. The engine predicted {money(line.predicted)}; the payer's reason "
                f"matches the engine's {', '.join(mapped)}."
            )
        return f"Denied. The engine predicted {money(line.predicted)}; no reason code matches an "
        "engine reason."
    if line.paid == line.predicted:
        return "Paid as predicted."
    direction = "more" if line.paid > line.predicted else "less"
    why = ""
    explained = [a for a in adjustments if a.group == "PR"]
    if explained:
        why = " (" + ", ".join(f"{a.words or a.reason} {money(a.amount)}" for a in explained) + ")"
    return f"Paid {money(line.paid)}, {direction} than the {money(line.predicted)} predicted{why}."


def claim_lines_view(claim: Claim) -> list[LineView]:
    """The claim's lines, each with its status, adjustments (CARC in words and
    the engine reasons they map to), remarks and a verdict against the
    engine's prediction."""
    lines = list(
        claim.lines.select_related("session__trainer", "lmn", "preauthorization")
        .prefetch_related(
            Prefetch("adjustments", queryset=Adjustment.objects.order_by("pk")),
            Prefetch("postings", queryset=LinePosting.objects.order_by("pk")),
        )
        .order_by("date", "pk")
    )
    views = []
    for line in lines:
        status = line_status(LineAnswer(amount=line.amount, answered=line.answered, paid=line.paid))
        adjustments = [
            AdjustmentView(
                group=a.group,
                reason=a.reason,
                amount=a.amount,
                words=carc_words(a.reason),
                reasons=tuple(str(r) for r in reasons_for(a.reason)),
            )
            for a in line.adjustments.all()
        ]
        remarks = [
            (code, rarc_words(code)) for posting in line.postings.all() for code in posting.remarks
        ]
        views.append(
            LineView(
                line=line,
                status=status,
                adjustments=adjustments,
                remarks=remarks,
                verdict=_verdict(line, status, adjustments),
            )
        )
    return views


def claim_adjustments_view(claim: Claim) -> list[AdjustmentView]:
    """Adjustments the payer made to the whole claim (not to one line)."""
    return [
        AdjustmentView(
            group=a.group,
            reason=a.reason,
            amount=a.amount,
            words=carc_words(a.reason),
            reasons=tuple(str(r) for r in reasons_for(a.reason)),
        )
        for a in Adjustment.objects.filter(answer__claim=claim, line__isnull=True).order_by("pk")
    ]


def claim_history(claim: Claim) -> QuerySet[Any]:
    """The claim's audit trail, oldest first."""
    from fitclaim.audit.models import AuditEvent

    return AuditEvent.objects.filter(
        organization_id=claim.organization_id, entity="claim", entity_id=str(claim.pk)
    ).order_by("at", "pk")


def client_claims(*, client: Client) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(client_id=client.pk)
        .select_related("source")
        .order_by("-created_at", "-pk")
    )


def claims_summary(client: Client) -> dict[str, Any]:
    """What the client page's claims section says: how many claims are open,
    what they ask, and what came back."""
    claims = Claim.objects.filter(client_id=client.pk)
    open_claims = claims.filter(status__in=OPEN_STATUSES)
    totals = claims.exclude(status=Status.WITHDRAWN).aggregate(
        asked=Sum("total"), paid=Sum("paid_total")
    )
    waiting = open_claims.filter(status__in=[Status.SUBMITTED, Status.APPEALED])
    return {
        "claims": claims.count(),
        "open": open_claims.count(),
        "waiting": waiting.count(),
        "asked": money(totals["asked"] or ZERO),
        "paid": money(totals["paid"] or ZERO),
        "denied": claims.filter(status=Status.DENIED).count(),
    }


def claim_filters_q(status: str) -> Q:
    return Q(status__in=OPEN_STATUSES) if status == "open" else Q(status=status)
