"""The reimbursement engine (shared/ENGINE.md): for every session and every
funding source, payable and how much, by when, or exactly why not.

A pure function of the case. `adjudicate(raw)` validates a parsed JSON case and
returns the result as JSON-ready data. Amounts are integer cents inside; dates
are proleptic ordinals (days), so the hot loop does integer arithmetic only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fitclaim.domain.case_checks import InvalidCase, case_problems
from fitclaim.domain.case_input import parse_iso_date
from fitclaim.domain.money import apply_rate, cents_from_str, cents_to_str, rate_from_str
from fitclaim.domain.reasons import FIXABLE, REASON_ORDER, Reason

INSURANCE, FSA, HSA, WELLNESS = "insurance", "fsa", "hsa", "wellness"
KIND_RANK = {WELLNESS: 0, FSA: 1, HSA: 2}

R = Reason
REASON_RANK = {reason: rank for rank, reason in enumerate(REASON_ORDER)}


# Dates repeat across sessions and cases; plain dicts are the cheapest caches.
_ORDINALS: dict[str, int] = {}
_ISO: dict[int, str] = {}
_CACHE_LIMIT = 100_000


def _ordinal(text: str) -> int:
    ordinal = _ORDINALS.get(text)
    if ordinal is None:
        date = parse_iso_date(text)
        assert date is not None
        ordinal = date.toordinal()
        if len(_ORDINALS) < _CACHE_LIMIT:
            _ORDINALS[text] = ordinal
    return ordinal


def _iso(ordinal: int) -> str:
    text = _ISO.get(ordinal)
    if text is None:
        text = dt.date.fromordinal(ordinal).isoformat()
        if len(_ISO) < _CACHE_LIMIT:
            _ISO[ordinal] = text
    return text


def _money(value: Any, default: int = 0) -> int:
    return default if value is None else cents_from_str(value)


# --------------------------------------------------------------------------- model


@dataclass(slots=True)
class Credential:
    code: str
    issued: int | None
    expires: int


@dataclass(slots=True)
class Lmn:
    id: str
    issuer_kind: str
    diagnoses: tuple[str, ...]
    valid_from: int
    valid_to: int
    signed: bool
    sessions_authorized: int | None
    authorized_trainers: frozenset[str]
    authorized_facilities: frozenset[str]
    attributed: int = 0
    index: int = 0

    def authorizes_trainer(self, trainer: str) -> bool:
        return not self.authorized_trainers or trainer in self.authorized_trainers

    def authorizes_facility(self, facility: str | None) -> bool:
        # A session with no facility is authorized only by letters that name none.
        if not self.authorized_facilities:
            return True
        return facility is not None and facility in self.authorized_facilities

    def has_room(self) -> bool:
        return self.sessions_authorized is None or self.attributed < self.sessions_authorized


@dataclass(slots=True)
class Preauthorization:
    id: str
    source: str
    valid_from: int
    valid_to: int
    approved_sessions: int
    used: int = 0


@dataclass(slots=True)
class Source:
    id: str
    kind: str
    requires_lmn: bool
    accepted_issuers: frozenset[str]
    covered_codes: frozenset[str]
    # Coverage: a session dated coverage_from..coverage_to can be reimbursed.
    coverage_from: int
    coverage_to: int
    # Claim deadline: fixed for an account or program, per session for insurance.
    claim_by: int | None
    timely_filing_days: int = 0
    excludes_training: bool = False
    # insurance
    requires_preauthorization: bool = False
    covered_conditions: tuple[str, ...] = ()
    required_credentials: frozenset[str] = frozenset()
    allowed_per_session: int | None = None
    deductible_left: int = 0
    copay: int = 0
    payer_share: tuple[int, int] = (1, 1)
    session_limit: int | None = None
    sessions_used: int = 0
    preauthorizations: list[Preauthorization] = field(default_factory=list)
    # Reasons 7-8 depend only on the letter: computed once per case, by Lmn.index.
    lmn_reasons: list[list[Reason]] = field(default_factory=list)
    # Reason 9 depends on the trainer and the day: the windows (issued, expires)
    # of the trainer's credentials this source accepts.
    credential_windows: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # fsa, wellness, hsa: funds before this case; the engine subtracts allocations.
    funds: int = 0
    rate: tuple[int, int] = (1, 1)
    # running state
    allocated: int = 0
    deductible_applied: int = 0
    sessions_counted: int = 0

    def funds_left(self) -> int:
        return max(0, self.funds - self.allocated)

    def remaining_deductible(self) -> int:
        return max(0, self.deductible_left - self.deductible_applied)

    def has_covering_preauthorization(self, day: int) -> bool:
        for pa in self.preauthorizations:
            if pa.valid_from <= day <= pa.valid_to:
                return True
        return False

    def trainer_credentialed(self, trainer: str, day: int) -> bool:
        for issued, expires in self.credential_windows.get(trainer, ()):
            if issued <= day <= expires:
                return True
        return False

    def preauthorization_with_room(self, day: int) -> Preauthorization | None:
        """The approved pre-authorization a session on `day` uses: the covering one
        with sessions left that ends first (ties by id)."""
        best: Preauthorization | None = None
        for pa in self.preauthorizations:
            if pa.valid_from <= day <= pa.valid_to and pa.used < pa.approved_sessions:
                if best is None or (pa.valid_to, pa.id) < (best.valid_to, best.id):
                    best = pa
        return best


@dataclass(slots=True)
class Settlement:
    source: str
    amount: int
    deductible: int


@dataclass(slots=True)
class Session:
    id: str
    date_text: str
    date: int
    trainer: str
    facility: str | None
    code: str
    charge: int
    paid: int
    receipt: bool
    settled: dict[str, Settlement]
    # The pre-authorization each insurance settlement used (step 3); made for
    # the few sessions that have an insurance settlement.
    settled_preauthorization: dict[str, str | None] | None = None


@dataclass(slots=True)
class Case:
    as_of_text: str
    as_of: int
    client_id: str
    credentials: dict[str, list[Credential]]
    lmns: list[Lmn]
    preauthorizations: list[Preauthorization]
    sources: list[Source]
    allocation_order: list[Source]
    sessions: list[Session]
    preserve_hsa: bool


# --------------------------------------------------------------------------- building


def _source(raw: dict[str, Any]) -> Source:
    kind = raw["kind"]
    common = {
        "id": raw["id"],
        "kind": kind,
        "accepted_issuers": frozenset(raw.get("accepted_issuers") or ()),
        "covered_codes": frozenset(raw.get("covered_codes") or ()),
    }
    if kind == HSA:
        return Source(
            **common,
            requires_lmn=raw.get("requires_lmn") is not False,
            coverage_from=_ordinal(raw["established"]),
            coverage_to=dt.date.max.toordinal(),
            claim_by=None,
            funds=cents_from_str(raw["balance"]),
        )
    start = _ordinal(raw["period"]["start"])
    end = _ordinal(raw["period"]["end"])
    if kind == INSURANCE:
        deductible = _money(raw.get("deductible"))
        allowed = raw.get("allowed_per_session")
        numerator, denominator = rate_from_str(raw.get("coinsurance") or "0")
        days = raw.get("timely_filing_days")
        return Source(
            **common,
            requires_lmn=raw.get("requires_lmn") is not False,
            coverage_from=start,
            coverage_to=end,
            claim_by=None,
            timely_filing_days=365 if days is None else days,
            excludes_training=raw.get("covers_training") is False,
            requires_preauthorization=raw.get("requires_preauthorization") is True,
            covered_conditions=tuple(raw.get("covered_conditions") or ()),
            required_credentials=frozenset(raw.get("required_credentials") or ()),
            allowed_per_session=None if allowed is None else cents_from_str(allowed),
            deductible_left=deductible - _money(raw.get("deductible_met")),
            copay=_money(raw.get("copay")),
            payer_share=(denominator - numerator, denominator),
            session_limit=raw.get("session_limit"),
            sessions_used=raw.get("sessions_used") or 0,
        )
    if kind == FSA:
        grace = raw.get("grace_period_days") or 0
        runout = raw.get("runout_days")
        return Source(
            **common,
            # FSAs reimburse by the date the service was incurred, so the grace
            # period extends which sessions count, not when the claim is due.
            requires_lmn=raw.get("requires_lmn") is not False,
            coverage_from=start,
            coverage_to=end + grace,
            claim_by=end + (90 if runout is None else runout),
            excludes_training=raw.get("limited_purpose") is True,
            funds=cents_from_str(raw["election"]) - _money(raw.get("used")),
        )
    deadline = raw.get("claim_deadline_days")
    return Source(
        **common,
        requires_lmn=raw.get("requires_lmn") is True,
        coverage_from=start,
        coverage_to=end,
        claim_by=end + (90 if deadline is None else deadline),
        funds=cents_from_str(raw["annual_cap"]) - _money(raw.get("used")),
        rate=rate_from_str(raw.get("rate") or "1"),
    )


# Most sessions have no settlement; they share this (never mutated) mapping.
_NO_SETTLEMENTS: dict[str, Settlement] = {}


def _settlements(entries: list[dict[str, Any]] | None) -> dict[str, Settlement]:
    if not entries:
        return _NO_SETTLEMENTS
    return {
        e["source"]: Settlement(
            e["source"], cents_from_str(e["amount"]), _money(e.get("deductible"))
        )
        for e in entries
    }


def build_case(raw: dict[str, Any]) -> Case:
    """The engine's model of a case already known to be valid."""
    credentials = {
        t["id"]: [
            Credential(
                c["code"],
                None if c.get("issued") is None else _ordinal(c["issued"]),
                _ordinal(c["expires"]),
            )
            for c in (t.get("credentials") or ())
        ]
        for t in (raw.get("trainers") or ())
    }
    lmns = [
        Lmn(
            id=x["id"],
            issuer_kind=x["issuer"]["kind"],
            diagnoses=tuple(x["diagnoses"]),
            valid_from=_ordinal(x["valid_from"]),
            valid_to=_ordinal(x["valid_to"]),
            signed=x.get("signed_on") is not None,
            sessions_authorized=x.get("sessions_authorized"),
            authorized_trainers=frozenset(x.get("authorized_trainers") or ()),
            authorized_facilities=frozenset(x.get("authorized_facilities") or ()),
        )
        for x in (raw.get("lmns") or ())
    ]
    # Candidates are tried in the engine's preference order: earliest end, then id.
    lmns.sort(key=lambda lmn: (lmn.valid_to, lmn.id))
    for index, lmn in enumerate(lmns):
        lmn.index = index
    sources = [_source(s) for s in (raw.get("sources") or ())]
    for source in sources:
        source.lmn_reasons = [lmn_reasons(source, lmn) for lmn in lmns]
        if source.required_credentials:
            source.credential_windows = {
                trainer: [
                    (c.issued if c.issued is not None else 0, c.expires)
                    for c in creds
                    if c.code in source.required_credentials
                ]
                for trainer, creds in credentials.items()
            }
    by_id = {s.id: s for s in sources}
    approved = [
        Preauthorization(
            id=p["id"],
            source=p["source"],
            valid_from=_ordinal(p["valid_from"]),
            valid_to=_ordinal(p["valid_to"]),
            approved_sessions=p["approved_sessions"],
        )
        for p in (raw.get("preauthorizations") or ())
        if p["status"] == "approved"
    ]
    for pa in approved:
        by_id[pa.source].preauthorizations.append(pa)
    insurance = [s for s in sources if s.kind == INSURANCE]
    priority = raw.get("priority")
    if priority is None:
        others = sorted(
            (s for s in sources if s.kind != INSURANCE), key=lambda s: (KIND_RANK[s.kind], s.id)
        )
    else:
        others = [by_id[ident] for ident in priority]
    sessions = [
        Session(
            id=s["id"],
            date_text=s["date"],
            date=_ordinal(s["date"]),
            trainer=s["trainer"],
            facility=s.get("facility"),
            code=s["code"],
            charge=cents_from_str(s["charge"]),
            paid=cents_from_str(s["paid"]),
            receipt=s["receipt"],
            settled=_settlements(s.get("settled")),
        )
        for s in (raw.get("sessions") or ())
    ]
    sessions.sort(key=lambda s: (s.date, s.id))
    return Case(
        as_of_text=raw["as_of"],
        as_of=_ordinal(raw["as_of"]),
        client_id=raw["client"]["id"],
        credentials=credentials,
        lmns=lmns,
        preauthorizations=approved,
        sources=sources,
        allocation_order=insurance + others,
        sessions=sessions,
        preserve_hsa=raw.get("strategy") == "preserve_hsa",
    )


# --------------------------------------------------------------------------- rules


def select_lmn(case: Case, session: Session) -> tuple[Lmn | None, Reason | None]:
    """The letter a session is attributed to, or the reason no letter applies.

    Chosen once per session, whatever the sources decide: a source that does not
    accept the letter does not look for another.
    """
    day = session.date
    for lmn in case.lmns:
        if (
            lmn.signed
            and lmn.valid_from <= day <= lmn.valid_to
            and lmn.authorizes_trainer(session.trainer)
            and lmn.authorizes_facility(session.facility)
            and lmn.has_room()
        ):
            return lmn, None
    covering = [lmn for lmn in case.lmns if lmn.valid_from <= day <= lmn.valid_to]
    if not covering:
        expired = any(lmn.valid_to < day for lmn in case.lmns)
        return None, R.LMN_EXPIRED if expired else R.LMN_MISSING
    signed = [lmn for lmn in covering if lmn.signed]
    if not signed:
        return None, R.LMN_NOT_SIGNED
    for_trainer = [lmn for lmn in signed if lmn.authorizes_trainer(session.trainer)]
    if not for_trainer:
        return None, R.TRAINER_NOT_AUTHORIZED
    if not any(lmn.authorizes_facility(session.facility) for lmn in for_trainer):
        return None, R.FACILITY_NOT_AUTHORIZED
    return None, R.LMN_SESSION_LIMIT_REACHED


def lmn_reasons(source: Source, lmn: Lmn) -> list[Reason]:
    """Reasons 7 and 8 for a source that requires a letter and a session that has one."""
    if source.accepted_issuers and lmn.issuer_kind not in source.accepted_issuers:
        reasons = [R.LMN_ISSUER_NOT_ACCEPTED]
    else:
        reasons = []
    if (
        source.kind == INSURANCE
        and source.covered_conditions
        and not any(
            code.startswith(prefix)
            for code in lmn.diagnoses
            for prefix in source.covered_conditions
        )
    ):
        reasons.append(R.CONDITION_NOT_COVERED)
    return reasons


def claim_by(source: Source, session: Session) -> int | None:
    if source.kind == INSURANCE:
        return session.date + source.timely_filing_days
    return source.claim_by


def session_reasons(session: Session) -> list[Reason]:
    """Reasons 1 and 2: the same against every source."""
    reasons = []
    if session.paid < session.charge:
        reasons.append(R.NOT_PAID_IN_FULL)
    if not session.receipt:
        reasons.append(R.RECEIPT_MISSING)
    return reasons


def reasons_against(
    case: Case,
    source: Source,
    session: Session,
    lmn: Lmn | None,
    lmn_reason: Reason | None,
    deadline: int | None,
    reasons_of_session: list[Reason],
) -> list[Reason]:
    """Every reason `source` cannot pay `session`, in the engine's order."""
    reasons = list(reasons_of_session)
    day = session.date
    if day < source.coverage_from or day > source.coverage_to:
        reasons.append(R.OUTSIDE_COVERAGE_PERIOD)
    if deadline is not None and case.as_of > deadline:
        reasons.append(R.CLAIM_DEADLINE_PASSED)
    if source.excludes_training:
        reasons.append(R.SOURCE_EXCLUDES_TRAINING)
    if source.covered_codes and session.code not in source.covered_codes:
        reasons.append(R.SERVICE_NOT_COVERED)
    if source.requires_lmn:
        if lmn is None:
            assert lmn_reason is not None
            reasons.append(lmn_reason)
        else:
            reasons.extend(source.lmn_reasons[lmn.index])
    if source.kind == INSURANCE:
        if source.required_credentials and not source.trainer_credentialed(session.trainer, day):
            reasons.append(R.CREDENTIAL_REQUIRED)
        if source.requires_preauthorization and not source.has_covering_preauthorization(day):
            reasons.append(R.PREAUTH_MISSING)
    return reasons


def insurance_amount(source: Source, session: Session, remaining: int) -> tuple[int, int]:
    """(amount, deductible applied) of an insurance source for one session."""
    allowed = session.charge
    if source.allowed_per_session is not None and source.allowed_per_session < allowed:
        allowed = source.allowed_per_session
    deductible = min(allowed, source.remaining_deductible())
    after = allowed - deductible
    copay = min(source.copay, after)
    amount = apply_rate(after - copay, source.payer_share)
    return min(amount, remaining), deductible


# --------------------------------------------------------------------------- procedure


def _apply_settlements(case: Case, included: list[Session]) -> None:
    """Step 3: settlements are facts and use limits and funds before any prediction."""
    by_id = {s.id: s for s in case.sources}
    for session in included:
        for settlement in session.settled.values():
            source = by_id[settlement.source]
            if source.kind == INSURANCE:
                source.sessions_counted += 1
                source.deductible_applied += settlement.deductible
                used: str | None = None
                if source.requires_preauthorization:
                    pa = source.preauthorization_with_room(session.date)
                    if pa is not None:
                        pa.used += 1
                        used = pa.id
                if session.settled_preauthorization is None:
                    session.settled_preauthorization = {}
                session.settled_preauthorization[source.id] = used
            else:
                source.allocated += settlement.amount


def _decide(
    case: Case,
    session: Session,
    lmn: Lmn | None,
    lmn_reason: Reason | None,
    totals: dict[str, int],
) -> tuple[list[dict[str, Any]], int, bool, list[Reason]]:
    remaining = session.paid
    for settled in session.settled.values():
        remaining -= settled.amount
    reasons_of_session = session_reasons(session)
    decisions: list[dict[str, Any]] = []
    seen_reasons: list[Reason] = []
    hsa_took_part = False
    hsa_decision: dict[str, Any] | None = None
    for source in case.allocation_order:
        settlement = session.settled.get(source.id)
        if settlement is not None:
            decision: dict[str, Any] = {
                "source": source.id,
                "status": "settled",
                "amount": cents_to_str(settlement.amount),
            }
            if source.kind == INSURANCE:
                assert session.settled_preauthorization is not None
                decision["preauthorization"] = session.settled_preauthorization[source.id]
            elif source.kind == HSA:
                hsa_took_part = True
            totals[source.id] += settlement.amount
            decisions.append(decision)
            continue

        deadline = claim_by(source, session)
        reasons = reasons_against(
            case, source, session, lmn, lmn_reason, deadline, reasons_of_session
        )
        if reasons:
            decisions.append({"source": source.id, "status": "ineligible", "reasons": reasons})
            seen_reasons.extend(reasons)
            continue

        preauthorization: Preauthorization | None = None
        limit: Reason | None = None
        if source.kind == INSURANCE:
            if source.requires_preauthorization:
                preauthorization = source.preauthorization_with_room(session.date)
                if preauthorization is None:
                    limit = R.PREAUTH_LIMIT_REACHED
            if (
                limit is None
                and source.session_limit is not None
                and source.sessions_used + source.sessions_counted >= source.session_limit
            ):
                limit = R.SESSION_LIMIT_REACHED
        elif source.kind != HSA and source.funds_left() == 0:
            limit = R.FUNDS_EXHAUSTED
        if limit is not None:
            decisions.append({"source": source.id, "status": "ineligible", "reasons": [limit]})
            seen_reasons.append(limit)
            continue

        if remaining == 0:
            decisions.append({"source": source.id, "status": "not_needed"})
            continue

        if source.kind == INSURANCE:
            amount, deductible = insurance_amount(source, session, remaining)
            source.deductible_applied += deductible
            source.sessions_counted += 1
            if preauthorization is not None:
                preauthorization.used += 1
        elif source.kind == WELLNESS:
            amount = min(apply_rate(remaining, source.rate), source.funds_left())
            source.allocated += amount
        elif source.kind == HSA:
            amount = 0 if case.preserve_hsa else min(remaining, source.funds_left())
            source.allocated += amount
        else:
            amount = min(remaining, source.funds_left())
            source.allocated += amount
        remaining -= amount
        totals[source.id] += amount
        decision = {
            "source": source.id,
            "status": "payable",
            "amount": cents_to_str(amount),
            "claim_by": None if deadline is None else _iso(deadline),
        }
        if source.kind == INSURANCE:
            decision["preauthorization"] = preauthorization.id if preauthorization else None
        elif source.kind == HSA:
            hsa_took_part = True
            hsa_decision = decision
        decisions.append(decision)

    # What the HSA has not reimbursed of a session it took part in can still be
    # reimbursed later, at any time.
    hsa_deferred = remaining if hsa_took_part else 0
    if hsa_decision is not None:
        hsa_decision["deferred"] = cents_to_str(hsa_deferred)
    return decisions, remaining, hsa_took_part, seen_reasons


def run(case: Case) -> dict[str, Any]:
    """Steps 2 to 4 of the procedure and the result, for a valid case."""
    included = [s for s in case.sessions if s.date <= case.as_of]
    _apply_settlements(case, included)

    by_source_total = {s.id: 0 for s in case.allocation_order}
    total_paid = total_out_of_pocket = total_deferred = 0
    actions: dict[Reason, list[str]] = {}
    out_sessions: list[dict[str, Any]] = []
    for session in case.sessions:
        if session.date > case.as_of:
            out_sessions.append(
                {"id": session.id, "date": session.date_text, "excluded": "FUTURE_SESSION"}
            )
            continue
        lmn, lmn_reason = select_lmn(case, session)
        if lmn is not None:
            lmn.attributed += 1
        decisions, out_of_pocket, hsa_took_part, reasons = _decide(
            case, session, lmn, lmn_reason, by_source_total
        )
        hsa_deferred = out_of_pocket if hsa_took_part else 0
        for reason in dict.fromkeys(reasons):
            if reason in FIXABLE:
                actions.setdefault(reason, []).append(session.id)
        total_paid += session.paid
        total_out_of_pocket += out_of_pocket
        total_deferred += hsa_deferred
        out_sessions.append(
            {
                "id": session.id,
                "date": session.date_text,
                "paid": cents_to_str(session.paid),
                "lmn": lmn.id if lmn else None,
                "decisions": decisions,
                "out_of_pocket": cents_to_str(out_of_pocket),
                "hsa_deferred": cents_to_str(hsa_deferred),
            }
        )

    remaining_sources: dict[str, Any] = {}
    for source in case.sources:
        if source.kind == INSURANCE:
            sessions_left = (
                None
                if source.session_limit is None
                else max(0, source.session_limit - source.sessions_used - source.sessions_counted)
            )
            remaining_sources[source.id] = {
                "deductible": cents_to_str(source.remaining_deductible()),
                "sessions": sessions_left,
            }
        else:
            remaining_sources[source.id] = {"funds": cents_to_str(source.funds_left())}

    return {
        "as_of": case.as_of_text,
        "client": case.client_id,
        "sessions": out_sessions,
        "totals": {
            "paid": cents_to_str(total_paid),
            "by_source": {ident: cents_to_str(c) for ident, c in by_source_total.items()},
            "out_of_pocket": cents_to_str(total_out_of_pocket),
            "hsa_deferred": cents_to_str(total_deferred),
        },
        "remaining": {
            "sources": remaining_sources,
            "lmns": {
                lmn.id: {
                    "sessions": None
                    if lmn.sessions_authorized is None
                    else lmn.sessions_authorized - lmn.attributed
                }
                for lmn in case.lmns
            },
            "preauthorizations": {
                pa.id: {"sessions": pa.approved_sessions - pa.used} for pa in case.preauthorizations
            },
        },
        "actions": [
            {"code": str(code), "sessions": actions[code]}
            for code in REASON_ORDER
            if code in actions
        ],
    }


def adjudicate(raw: Any) -> dict[str, Any]:
    """Validate a parsed JSON case and decide it. Raises InvalidCase naming every problem."""
    problems = case_problems(raw)
    if problems:
        raise InvalidCase(problems)
    return run(build_case(raw))
