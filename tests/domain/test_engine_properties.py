"""Property tests of the reimbursement engine against shared/ENGINE.md.

Every expectation here is derived from ENGINE.md, independently of the engine's
code: the reasons, the letter (LMN) and pre-authorization choices, the limits
and the amounts are recomputed in this file from the case and compared with
the result. Cases come from `tests.domain.strategies.cases()`.

1000 examples per property by default and when CI is set;
`HYPOTHESIS_PROFILE=dev` runs 100.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import random
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitclaim.domain.case_checks import case_problems
from fitclaim.domain.engine import adjudicate
from tests.domain.strategies import cases, future_sessions, money

# --------------------------------------------------------------------------- settings

settings.register_profile(
    "fitclaim-engine",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fitclaim-engine-dev",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_DEV = os.environ.get("HYPOTHESIS_PROFILE") == "dev" and not os.environ.get("CI")
_PROFILE = settings.get_profile("fitclaim-engine-dev" if _DEV else "fitclaim-engine")
MAX_EXAMPLES = _PROFILE.max_examples
PROPERTY = settings(_PROFILE, max_examples=MAX_EXAMPLES, deadline=None)

# --------------------------------------------------------------------------- ENGINE.md

MONEY_RE = re.compile(r"^(0|[1-9][0-9]*)\.[0-9]{2}$")

# "Entries are ordered as in this list of all codes, which is also the order of reasons"
ALL_CODES = (
    "NOT_PAID_IN_FULL",
    "RECEIPT_MISSING",
    "OUTSIDE_COVERAGE_PERIOD",
    "CLAIM_DEADLINE_PASSED",
    "SOURCE_EXCLUDES_TRAINING",
    "SERVICE_NOT_COVERED",
    "LMN_MISSING",
    "LMN_EXPIRED",
    "LMN_NOT_SIGNED",
    "TRAINER_NOT_AUTHORIZED",
    "FACILITY_NOT_AUTHORIZED",
    "LMN_SESSION_LIMIT_REACHED",
    "LMN_ISSUER_NOT_ACCEPTED",
    "CONDITION_NOT_COVERED",
    "CREDENTIAL_REQUIRED",
    "PREAUTH_MISSING",
    "PREAUTH_LIMIT_REACHED",
    "SESSION_LIMIT_REACHED",
    "FUNDS_EXHAUSTED",
)
FIXABLE = frozenset(
    {
        "NOT_PAID_IN_FULL",
        "RECEIPT_MISSING",
        "LMN_MISSING",
        "LMN_EXPIRED",
        "LMN_NOT_SIGNED",
        "TRAINER_NOT_AUTHORIZED",
        "FACILITY_NOT_AUTHORIZED",
        "LMN_SESSION_LIMIT_REACHED",
        "LMN_ISSUER_NOT_ACCEPTED",
        "CREDENTIAL_REQUIRED",
        "PREAUTH_MISSING",
        "PREAUTH_LIMIT_REACHED",
    }
)
SIMPLE_CODES = frozenset(ALL_CODES[:6])
LIMIT_CODES = {
    "insurance": {"PREAUTH_LIMIT_REACHED", "SESSION_LIMIT_REACHED"},
    "fsa": {"FUNDS_EXHAUSTED"},
    "wellness": {"FUNDS_EXHAUSTED"},
    "hsa": set(),
}
KIND_RANK = {"wellness": 0, "fsa": 1, "hsa": 2}


def cents(text: str) -> int:
    assert MONEY_RE.match(text), text
    return int(text[:-3]) * 100 + int(text[-2:])


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def plus(text: str, days: int) -> str:
    return (date(text) + dt.timedelta(days=days)).isoformat()


def rate(text: str | None, default: str) -> Decimal:
    return Decimal(default if text is None else text)


def round2(amount_in_cents: Decimal) -> int:
    """round2 of an amount given in cents: to whole cents, half up."""
    return int(amount_in_cents.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def items(case: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return case.get(key) or []


def get(obj: dict[str, Any], key: str, default: Any) -> Any:
    value = obj.get(key)
    return default if value is None else value


def included_sessions(case: dict[str, Any]) -> list[dict[str, Any]]:
    """Step 2: the sessions dated on or before as_of, in (date, id) order."""
    ordered = sorted(items(case, "sessions"), key=lambda s: (s["date"], s["id"]))
    return [s for s in ordered if s["date"] <= case["as_of"]]


def result_included(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in result["sessions"] if "excluded" not in s]


def allocation_order(case: dict[str, Any]) -> list[dict[str, Any]]:
    sources = items(case, "sources")
    by_id = {s["id"]: s for s in sources}
    insurance = [s for s in sources if s["kind"] == "insurance"]
    if case.get("priority") is not None:
        return insurance + [by_id[i] for i in case["priority"]]
    others = [s for s in sources if s["kind"] != "insurance"]
    return insurance + sorted(others, key=lambda s: (KIND_RANK[s["kind"]], s["id"]))


def requires_lmn(source: dict[str, Any]) -> bool:
    return bool(get(source, "requires_lmn", source["kind"] != "wellness"))


def in_coverage(source: dict[str, Any], day: str) -> bool:
    kind = source["kind"]
    if kind == "hsa":
        return day >= source["established"]
    start, end = source["period"]["start"], source["period"]["end"]
    if kind == "fsa":
        end = plus(end, get(source, "grace_period_days", 0))
    return start <= day <= end


def claim_by(source: dict[str, Any], day: str) -> str | None:
    kind = source["kind"]
    if kind == "insurance":
        return plus(day, get(source, "timely_filing_days", 365))
    if kind == "fsa":
        return plus(source["period"]["end"], get(source, "runout_days", 90))
    if kind == "wellness":
        return plus(source["period"]["end"], get(source, "claim_deadline_days", 90))
    return None


def simple_reasons(case: dict[str, Any], source: dict[str, Any], session: dict[str, Any]) -> list:
    """Reasons 1-6 of ENGINE.md, in order."""
    reasons = []
    if cents(session["paid"]) < cents(session["charge"]):
        reasons.append("NOT_PAID_IN_FULL")
    if not session["receipt"]:
        reasons.append("RECEIPT_MISSING")
    if not in_coverage(source, session["date"]):
        reasons.append("OUTSIDE_COVERAGE_PERIOD")
    deadline = claim_by(source, session["date"])
    if deadline is not None and case["as_of"] > deadline:
        reasons.append("CLAIM_DEADLINE_PASSED")
    if (source["kind"] == "insurance" and source.get("covers_training") is False) or (
        source["kind"] == "fsa" and source.get("limited_purpose") is True
    ):
        reasons.append("SOURCE_EXCLUDES_TRAINING")
    codes = items(source, "covered_codes")
    if codes and session["code"] not in codes:
        reasons.append("SERVICE_NOT_COVERED")
    return reasons


def lmn_attribution(case: dict[str, Any]) -> dict[str, tuple[dict[str, Any] | None, str | None]]:
    """Step 4.1 for every included session: (the applicable LMN, or None with its LMN reason)."""
    lmns = items(case, "lmns")
    attributed = Counter[str]()
    out: dict[str, tuple[dict[str, Any] | None, str | None]] = {}

    def trainer_ok(lmn: dict[str, Any], session: dict[str, Any]) -> bool:
        trainers = items(lmn, "authorized_trainers")
        return not trainers or session["trainer"] in trainers

    def facility_ok(lmn: dict[str, Any], session: dict[str, Any]) -> bool:
        facilities = items(lmn, "authorized_facilities")
        if not facilities:
            return True
        return session.get("facility") is not None and session["facility"] in facilities

    for session in included_sessions(case):
        day = session["date"]
        covering = [x for x in lmns if x["valid_from"] <= day <= x["valid_to"]]
        signed = [x for x in covering if x.get("signed_on") is not None]
        for_trainer = [x for x in signed if trainer_ok(x, session)]
        for_facility = [x for x in for_trainer if facility_ok(x, session)]
        candidates = [
            x
            for x in for_facility
            if x.get("sessions_authorized") is None
            or attributed[x["id"]] < x["sessions_authorized"]
        ]
        if candidates:
            chosen = min(candidates, key=lambda x: (x["valid_to"], x["id"]))
            attributed[chosen["id"]] += 1
            out[session["id"]] = (chosen, None)
            continue
        if not covering:
            expired = any(x["valid_to"] < day for x in lmns)
            reason = "LMN_EXPIRED" if expired else "LMN_MISSING"
        elif not signed:
            reason = "LMN_NOT_SIGNED"
        elif not for_trainer:
            reason = "TRAINER_NOT_AUTHORIZED"
        elif not for_facility:
            reason = "FACILITY_NOT_AUTHORIZED"
        else:
            reason = "LMN_SESSION_LIMIT_REACHED"
        out[session["id"]] = (None, reason)
    return out


def all_reasons(
    case: dict[str, Any],
    source: dict[str, Any],
    session: dict[str, Any],
    lmn: dict[str, Any] | None,
    lmn_reason: str | None,
) -> list[str]:
    """Reasons 1-10 of ENGINE.md, in order."""
    reasons = simple_reasons(case, source, session)
    kind = source["kind"]
    if requires_lmn(source):
        if lmn is None:
            reasons.append(lmn_reason)
        else:
            issuers = items(source, "accepted_issuers")
            if issuers and lmn["issuer"]["kind"] not in issuers:
                reasons.append("LMN_ISSUER_NOT_ACCEPTED")
    if kind != "insurance":
        return reasons
    conditions = items(source, "covered_conditions")
    if (
        requires_lmn(source)
        and lmn is not None
        and conditions
        and not any(dx.startswith(c) for dx in lmn["diagnoses"] for c in conditions)
    ):
        reasons.append("CONDITION_NOT_COVERED")
    required = items(source, "required_credentials")
    if required:
        trainer = next(t for t in items(case, "trainers") if t["id"] == session["trainer"])
        day = session["date"]
        if not any(
            c["code"] in required
            and (c.get("issued") is None or c["issued"] <= day)
            and day <= c["expires"]
            for c in items(trainer, "credentials")
        ):
            reasons.append("CREDENTIAL_REQUIRED")
    if source.get("requires_preauthorization") is True and not any(
        p["source"] == source["id"]
        and p["status"] == "approved"
        and p["valid_from"] <= session["date"] <= p["valid_to"]
        for p in items(case, "preauthorizations")
    ):
        reasons.append("PREAUTH_MISSING")
    return reasons


def decisions_by_source(session: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["source"]: d for d in session["decisions"]}


def settlements(session: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["source"]: e for e in items(session, "settled")}


def fund_before(source: dict[str, Any]) -> int:
    """An account's or program's funds before this case."""
    kind = source["kind"]
    if kind == "fsa":
        return cents(source["election"]) - cents(get(source, "used", "0.00"))
    if kind == "wellness":
        return cents(source["annual_cap"]) - cents(get(source, "used", "0.00"))
    return cents(source["balance"])


def decide(case: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The result and the included sessions of the case, paired in order."""
    result = adjudicate(case)
    included = included_sessions(case)
    out = result_included(result)
    assert [s["id"] for s in out] == [s["id"] for s in included]
    return result, included


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(cases())
def test_every_session_balances(case: dict[str, Any]) -> None:
    """Every amount >= 0; amounts + out_of_pocket == paid; hsa_deferred <= out_of_pocket."""
    result, included = decide(case)
    kinds = {s["id"]: s["kind"] for s in items(case, "sources")}
    preserve = case.get("strategy") == "preserve_hsa"
    for session, out in zip(included, result_included(result), strict=True):
        assert out["paid"] == session["paid"]
        total = 0
        hsa_took_part = False
        for decision in out["decisions"]:
            if "amount" in decision:
                assert cents(decision["amount"]) >= 0
                total += cents(decision["amount"])
            if kinds[decision["source"]] == "hsa" and decision["status"] in ("payable", "settled"):
                hsa_took_part = True
        out_of_pocket = cents(out["out_of_pocket"])
        deferred = cents(out["hsa_deferred"])
        assert out_of_pocket >= 0
        assert total + out_of_pocket == cents(session["paid"])
        assert 0 <= deferred <= out_of_pocket
        assert deferred == (out_of_pocket if hsa_took_part else 0)
        for decision in out["decisions"]:
            if kinds[decision["source"]] == "hsa" and decision["status"] == "payable":
                assert decision["deferred"] == out["out_of_pocket"]
                if preserve:
                    assert decision["amount"] == "0.00"


@PROPERTY
@given(cases())
def test_no_payable_decision_against_a_reason(case: dict[str, Any]) -> None:
    """Reasons 1-6 recomputed from ENGINE.md: a source with any of them is
    ineligible and lists exactly those first; settled decisions are facts."""
    result, included = decide(case)
    by_id = {s["id"]: s for s in items(case, "sources")}
    for session, out in zip(included, result_included(result), strict=True):
        settled = settlements(session)
        for decision in out["decisions"]:
            source = by_id[decision["source"]]
            if source["id"] in settled:
                assert decision["status"] == "settled"
                assert decision["amount"] == settled[source["id"]]["amount"]
                continue
            assert decision["status"] != "settled"
            reasons = simple_reasons(case, source, session)
            if reasons:
                assert decision["status"] == "ineligible", (session["id"], decision, reasons)
                assert decision["reasons"][: len(reasons)] == reasons
            listed = [r for r in decision.get("reasons", []) if r in SIMPLE_CODES]
            assert listed == reasons, (session["id"], decision, reasons)


@PROPERTY
@given(cases())
def test_lmns_and_reasons_follow_the_procedure(case: dict[str, Any]) -> None:
    """Step 4.1 (the applicable LMN) and reasons 1-10, recomputed; with none of
    them, the decision is payable, not_needed, or one limit of its kind."""
    result, included = decide(case)
    by_id = {s["id"]: s for s in items(case, "sources")}
    expected_lmns = lmn_attribution(case)
    order = [s["id"] for s in allocation_order(case)]
    for session, out in zip(included, result_included(result), strict=True):
        lmn, lmn_reason = expected_lmns[session["id"]]
        assert out["lmn"] == (lmn["id"] if lmn else None), session["id"]
        assert [d["source"] for d in out["decisions"]] == order
        settled = settlements(session)
        for decision in out["decisions"]:
            source = by_id[decision["source"]]
            if source["id"] in settled:
                continue
            reasons = all_reasons(case, source, session, lmn, lmn_reason)
            if reasons:
                assert decision == {
                    "source": source["id"],
                    "status": "ineligible",
                    "reasons": reasons,
                }, session["id"]
            elif decision["status"] == "ineligible":
                assert len(decision["reasons"]) == 1, decision
                assert decision["reasons"][0] in LIMIT_CODES[source["kind"]], decision
            else:
                assert decision["status"] in ("payable", "not_needed"), decision


@PROPERTY
@given(cases())
def test_amounts_follow_the_formulas(case: dict[str, Any]) -> None:
    """Step 4.2 "Then the amount", recomputed along the decisions the engine made."""
    result, included = decide(case)
    by_id = {s["id"]: s for s in items(case, "sources")}
    preserve = case.get("strategy") == "preserve_hsa"
    # Step 3: settlements first.
    applied = Counter[str]()
    allocated = Counter[str]()
    for session in included:
        for entry in items(session, "settled"):
            if by_id[entry["source"]]["kind"] == "insurance":
                applied[entry["source"]] += cents(get(entry, "deductible", "0.00"))
            else:
                allocated[entry["source"]] += cents(entry["amount"])
    for session, out in zip(included, result_included(result), strict=True):
        remaining = cents(session["paid"]) - sum(
            cents(e["amount"]) for e in items(session, "settled")
        )
        charge = cents(session["charge"])
        for decision in out["decisions"]:
            source = by_id[decision["source"]]
            kind, ident = source["kind"], source["id"]
            status = decision["status"]
            if status in ("settled", "ineligible"):
                continue
            if status == "not_needed":
                assert remaining == 0, (session["id"], decision)
                continue
            assert status == "payable"
            assert remaining > 0, (session["id"], decision)
            left = max(0, fund_before(source) - allocated[ident]) if kind != "insurance" else 0
            if kind == "insurance":
                allowed = charge
                if source.get("allowed_per_session") is not None:
                    allowed = min(allowed, cents(source["allowed_per_session"]))
                deductible_left = (
                    cents(get(source, "deductible", "0.00"))
                    - cents(get(source, "deductible_met", "0.00"))
                    - applied[ident]
                )
                ded = min(allowed, max(0, deductible_left))
                after = allowed - ded
                cop = min(cents(get(source, "copay", "0.00")), after)
                share = 1 - rate(source.get("coinsurance"), "0")
                amount = min(round2((after - cop) * share), remaining)
                applied[ident] += ded
            elif kind == "fsa":
                amount = min(remaining, left)
            elif kind == "wellness":
                amount = min(round2(remaining * rate(source.get("rate"), "1")), left)
            else:
                amount = 0 if preserve else min(remaining, left)
            assert cents(decision["amount"]) == amount, (session["id"], decision, amount)
            assert decision["claim_by"] == claim_by(source, session["date"])
            allocated[ident] += amount
            remaining -= amount
        assert cents(out["out_of_pocket"]) == remaining
    for source in items(case, "sources"):
        if source["kind"] == "insurance":
            left = (
                cents(get(source, "deductible", "0.00"))
                - cents(get(source, "deductible_met", "0.00"))
                - applied[source["id"]]
            )
            remaining_source = result["remaining"]["sources"][source["id"]]
            assert cents(remaining_source["deductible"]) == max(0, left)


@PROPERTY
@given(cases())
def test_funds_never_go_below_zero(case: dict[str, Any]) -> None:
    """Payable amounts never take a fund below 0.00 in total (settled amounts may);
    FUNDS_EXHAUSTED exactly when no funds are left; remaining funds as defined."""
    result, included = decide(case)
    funds = {s["id"]: s for s in items(case, "sources") if s["kind"] != "insurance"}
    settled_total = Counter[str]()
    for session in included:
        for entry in items(session, "settled"):
            if entry["source"] in funds:
                settled_total[entry["source"]] += cents(entry["amount"])
    payable_total = Counter[str]()
    for out in result_included(result):
        for decision in out["decisions"]:
            ident = decision["source"]
            if ident not in funds:
                continue
            before = fund_before(funds[ident])
            left = max(0, before - settled_total[ident] - payable_total[ident])
            if decision["status"] == "payable":
                if funds[ident]["kind"] != "hsa":
                    assert left > 0, (out["id"], decision)
                assert cents(decision["amount"]) <= left, (out["id"], decision, left)
                payable_total[ident] += cents(decision["amount"])
            elif decision["status"] == "not_needed" and funds[ident]["kind"] != "hsa":
                # Limits are checked even when nothing is left to pay.
                assert left > 0, (out["id"], decision)
            elif "FUNDS_EXHAUSTED" in decision.get("reasons", ()):
                assert left == 0, (out["id"], decision, left)
    for ident, source in funds.items():
        before = fund_before(source)
        assert payable_total[ident] <= max(0, before - settled_total[ident])
        expected = max(0, before - settled_total[ident] - payable_total[ident])
        assert result["remaining"]["sources"][ident] == {"funds": money(expected)}


@PROPERTY
@given(cases())
def test_insurance_session_limit_is_never_exceeded(case: dict[str, Any]) -> None:
    """sessions_used + settled (included) + payable sessions never go above
    session_limit through a payable decision; SESSION_LIMIT_REACHED exactly when reached."""
    result, included = decide(case)
    plans = {s["id"]: s for s in items(case, "sources") if s["kind"] == "insurance"}
    settled = Counter(e["source"] for s in included for e in items(s, "settled"))
    payable = Counter[str]()
    for out in result_included(result):
        for decision in out["decisions"]:
            ident = decision["source"]
            if ident not in plans:
                continue
            limit = plans[ident].get("session_limit")
            count = get(plans[ident], "sessions_used", 0) + settled[ident] + payable[ident]
            if decision["status"] == "payable":
                payable[ident] += 1
                if limit is not None:
                    assert count + 1 <= limit, (out["id"], decision)
            elif decision["status"] == "not_needed":
                # Limits are checked even when nothing is left to pay.
                assert limit is None or count < limit, (out["id"], decision)
            elif "SESSION_LIMIT_REACHED" in decision.get("reasons", ()):
                assert limit is not None and count >= limit, (out["id"], decision)
    for ident, plan in plans.items():
        limit = plan.get("session_limit")
        used = get(plan, "sessions_used", 0) + settled[ident] + payable[ident]
        if limit is not None and payable[ident]:
            assert used <= limit
        expected = None if limit is None else max(0, limit - used)
        assert result["remaining"]["sources"][ident]["sessions"] == expected


@PROPERTY
@given(cases())
def test_lmn_and_preauthorization_counts(case: dict[str, Any]) -> None:
    """An LMN is attributed at most sessions_authorized sessions; a
    pre-authorization is used at most approved_sessions times, each use being
    the covering approved one with room that ends first (ties by id)."""
    result, included = decide(case)
    attributed = Counter(s["lmn"] for s in result_included(result) if s["lmn"] is not None)
    lmns = items(case, "lmns")
    assert set(attributed) <= {x["id"] for x in lmns}
    for lmn in lmns:
        authorized = lmn.get("sessions_authorized")
        if authorized is not None:
            assert attributed[lmn["id"]] <= authorized
        left = None if authorized is None else authorized - attributed[lmn["id"]]
        assert result["remaining"]["lmns"][lmn["id"]] == {"sessions": left}
    assert set(result["remaining"]["lmns"]) == {x["id"] for x in lmns}

    approved = [p for p in items(case, "preauthorizations") if p["status"] == "approved"]
    plans = {s["id"]: s for s in items(case, "sources") if s["kind"] == "insurance"}
    used = Counter[str]()

    def select(plan: str, day: str) -> str | None:
        room = [
            p
            for p in approved
            if p["source"] == plan
            and p["valid_from"] <= day <= p["valid_to"]
            and used[p["id"]] < p["approved_sessions"]
        ]
        return min(room, key=lambda p: (p["valid_to"], p["id"]))["id"] if room else None

    outs = result_included(result)
    # Step 3: settled insurance sessions use pre-authorizations first.
    for session, out in zip(included, outs, strict=True):
        decisions = decisions_by_source(out)
        for entry in items(session, "settled"):
            if entry["source"] in plans:
                expected = None
                if plans[entry["source"]].get("requires_preauthorization") is True:
                    expected = select(entry["source"], session["date"])
                    if expected is not None:
                        used[expected] += 1
                assert decisions[entry["source"]]["preauthorization"] == expected
    for session, out in zip(included, outs, strict=True):
        for decision in out["decisions"]:
            plan = plans.get(decision["source"])
            if plan is None or decision["status"] == "settled":
                continue
            if plan.get("requires_preauthorization") is not True:
                if decision["status"] == "payable":
                    assert decision["preauthorization"] is None
                continue
            if decision["status"] == "ineligible":
                if decision["reasons"] == ["PREAUTH_LIMIT_REACHED"]:
                    assert select(plan["id"], session["date"]) is None
                continue
            expected = select(plan["id"], session["date"])
            assert expected is not None, (session["id"], decision)
            if decision["status"] == "payable":
                assert decision["preauthorization"] == expected, (session["id"], decision)
                used[expected] += 1
    named = Counter(
        d["preauthorization"]
        for out in outs
        for d in out["decisions"]
        if d.get("preauthorization") is not None
    )
    assert named == used
    for pa in approved:
        assert named[pa["id"]] <= pa["approved_sessions"]
    assert result["remaining"]["preauthorizations"] == {
        p["id"]: {"sessions": p["approved_sessions"] - named[p["id"]]} for p in approved
    }


def _shuffle_keys(obj: Any, rnd: random.Random) -> Any:
    """The same JSON data with every object's keys in a random order."""
    if isinstance(obj, dict):
        keys = list(obj)
        rnd.shuffle(keys)
        return {k: _shuffle_keys(obj[k], rnd) for k in keys}
    if isinstance(obj, list):
        return [_shuffle_keys(v, rnd) for v in obj]
    return obj


def shuffled(case: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """The case with every input list shuffled, except `priority` and the
    relative order of the insurance sources."""
    out = copy.deepcopy(case)

    def mix(obj: dict[str, Any], *keys: str) -> None:
        for key in keys:
            if isinstance(obj.get(key), list):
                rnd.shuffle(obj[key])

    mix(out["client"], "conditions")
    mix(out, "trainers", "lmns", "preauthorizations", "sessions")
    for trainer in items(out, "trainers"):
        mix(trainer, "credentials")
    for lmn in items(out, "lmns"):
        mix(lmn, "diagnoses", "authorized_trainers", "authorized_facilities")
    sources = items(out, "sources")
    insurance = iter([s for s in sources if s["kind"] == "insurance"])
    rnd.shuffle(sources)
    for i, source in enumerate(sources):
        if source["kind"] == "insurance":
            sources[i] = next(insurance)
    for source in sources:
        mix(
            source,
            "accepted_issuers",
            "covered_conditions",
            "covered_codes",
            "required_credentials",
        )
    for session in items(out, "sessions"):
        mix(session, "settled")
    return _shuffle_keys(out, rnd)


@PROPERTY
@given(cases(), st.integers(0, 2**32 - 1))
def test_result_does_not_depend_on_input_order(case: dict[str, Any], seed: int) -> None:
    """Every input list shuffled (keys too), except priority and the order of
    the insurance sources: the same result, compared as data."""
    other = shuffled(case, random.Random(seed))
    assert adjudicate(other) == adjudicate(case)


@PROPERTY
@given(st.data())
def test_a_future_session_changes_nothing_else(data: st.DataObject) -> None:
    case = data.draw(cases(max_sessions=20))
    future = data.draw(future_sessions(case))
    before = adjudicate(case)
    sessions = list(items(case, "sessions"))
    sessions.insert(data.draw(st.integers(0, len(sessions))), future)
    after = adjudicate({**case, "sessions": sessions})
    entry = {"id": future["id"], "date": future["date"], "excluded": "FUTURE_SESSION"}
    assert entry in after["sessions"]
    expected_sessions = sorted([*before["sessions"], entry], key=lambda s: (s["date"], s["id"]))
    assert after == {**before, "sessions": expected_sessions}


@PROPERTY
@given(cases())
def test_totals_and_actions(case: dict[str, Any]) -> None:
    """Sessions in (date, id) order with future ones excluded; totals are the
    sums over sessions; actions list only fixable codes, in order, each session once."""
    result = adjudicate(case)
    every = sorted(items(case, "sessions"), key=lambda s: (s["date"], s["id"]))
    assert [s["id"] for s in result["sessions"]] == [s["id"] for s in every]
    for session, out in zip(every, result["sessions"], strict=True):
        if session["date"] > case["as_of"]:
            assert out == {
                "id": session["id"],
                "date": session["date"],
                "excluded": "FUTURE_SESSION",
            }
        else:
            assert "excluded" not in out
    included = result_included(result)
    totals = result["totals"]
    assert cents(totals["paid"]) == sum(cents(s["paid"]) for s in included)
    assert cents(totals["out_of_pocket"]) == sum(cents(s["out_of_pocket"]) for s in included)
    assert cents(totals["hsa_deferred"]) == sum(cents(s["hsa_deferred"]) for s in included)
    by_source = Counter[str]()
    for out in included:
        for decision in out["decisions"]:
            if decision["status"] in ("payable", "settled"):
                by_source[decision["source"]] += cents(decision["amount"])
    source_ids = {s["id"] for s in items(case, "sources")}
    assert set(totals["by_source"]) == source_ids
    assert {k: cents(v) for k, v in totals["by_source"].items()} == {
        k: by_source[k] for k in source_ids
    }
    assert cents(totals["paid"]) == sum(by_source.values()) + cents(totals["out_of_pocket"])

    expected: dict[str, list[str]] = {}
    for out in included:
        for decision in out["decisions"]:
            for code in decision.get("reasons", ()):
                if code in FIXABLE and out["id"] not in expected.setdefault(code, []):
                    expected[code].append(out["id"])
    assert result["actions"] == [
        {"code": code, "sessions": expected[code]} for code in ALL_CODES if code in expected
    ]
    for action in result["actions"]:
        assert action["code"] in FIXABLE
        assert len(set(action["sessions"])) == len(action["sessions"])


def money_values(result: dict[str, Any]) -> list[str]:
    values = [result["totals"][k] for k in ("paid", "out_of_pocket", "hsa_deferred")]
    values += result["totals"]["by_source"].values()
    for remaining in result["remaining"]["sources"].values():
        values += [remaining[k] for k in ("deductible", "funds") if k in remaining]
    for session in result_included(result):
        values += [session[k] for k in ("paid", "out_of_pocket", "hsa_deferred")]
        for decision in session["decisions"]:
            values += [decision[k] for k in ("amount", "deferred") if k in decision]
    return values


DECISION_KEYS = {
    ("payable", "insurance"): {"source", "status", "amount", "claim_by", "preauthorization"},
    ("payable", "fsa"): {"source", "status", "amount", "claim_by"},
    ("payable", "wellness"): {"source", "status", "amount", "claim_by"},
    ("payable", "hsa"): {"source", "status", "amount", "claim_by", "deferred"},
    ("settled", "insurance"): {"source", "status", "amount", "preauthorization"},
    ("settled", "fsa"): {"source", "status", "amount"},
    ("settled", "wellness"): {"source", "status", "amount"},
    ("settled", "hsa"): {"source", "status", "amount"},
}


@PROPERTY
@given(cases())
def test_deterministic_json_with_money_strings(case: dict[str, Any]) -> None:
    """Same case, same result, as JSON; the input is not changed; every money
    value is a money string; every object has exactly the keys ENGINE.md lists.
    (The generator's cases are valid: `case_problems` finds nothing.)"""
    assert [str(p) for p in case_problems(case)] == []
    pristine = copy.deepcopy(case)
    result = adjudicate(case)
    assert case == pristine
    encoded = orjson.dumps(result)
    assert orjson.dumps(adjudicate(orjson.loads(orjson.dumps(case)))) == encoded
    assert orjson.loads(encoded) == result
    for value in money_values(result):
        assert isinstance(value, str) and MONEY_RE.match(value), value
    kinds = {s["id"]: s["kind"] for s in items(case, "sources")}
    assert set(result) == {"as_of", "client", "sessions", "totals", "remaining", "actions"}
    assert result["as_of"] == case["as_of"]
    assert result["client"] == case["client"]["id"]
    for session in result_included(result):
        assert set(session) == {
            "id",
            "date",
            "paid",
            "lmn",
            "decisions",
            "out_of_pocket",
            "hsa_deferred",
        }
        for decision in session["decisions"]:
            status, kind = decision["status"], kinds[decision["source"]]
            if status == "ineligible":
                assert set(decision) == {"source", "status", "reasons"}
                assert decision["reasons"]
                ranks = [ALL_CODES.index(r) for r in decision["reasons"]]
                assert ranks == sorted(set(ranks))
            elif status == "not_needed":
                assert set(decision) == {"source", "status"}
            else:
                assert set(decision) == DECISION_KEYS[status, kind]
            if kind == "hsa" and status == "payable":
                assert decision["claim_by"] is None
