"""Limits, amounts and settlements (shared/ENGINE.md, Procedure 3 and 4.2
limits 11-13, "Then the amount", 4.3) and the totals and `remaining` of the result.

Each limit has a case where it decides and one where it just does not
(one session or one cent left).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.casekit import (
    amount,
    decide,
    decision,
    fsa,
    hsa,
    insurance,
    preauth,
    reasons,
    session,
    session_result,
    settled,
    status,
    wellness,
)
from tests.domain.casekit import case as make_case


def sessions_on(*dates: str, **fields: Any) -> list[dict[str, Any]]:
    """Sessions s1, s2, ... on the given dates."""
    return [session(f"s{i}", date=d, **fields) for i, d in enumerate(dates, start=1)]


MARCH = ("2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23")


# --------------------------------------------------------------------------- 11 preauth


def preauth_case(*preauths: dict[str, Any], dates: tuple[str, ...] = MARCH[:2], **ins: Any) -> Any:
    return make_case(
        sources=[insurance(requires_preauthorization=True, **ins)],
        sessions=sessions_on(*dates),
        preauthorizations=list(preauths),
    )


def test_preauthorization_used_up_stops_the_next_session() -> None:
    result = decide(preauth_case(preauth(approved_sessions=1)))
    assert decision(result, "s1")["preauthorization"] == "pa1"
    assert reasons(result, "s2") == ["PREAUTH_LIMIT_REACHED"]
    assert result["remaining"]["preauthorizations"] == {"pa1": {"sessions": 0}}


def test_preauthorization_with_one_session_left_covers_the_last_session() -> None:
    result = decide(preauth_case(preauth(approved_sessions=2)))
    assert [decision(result, s)["preauthorization"] for s in ("s1", "s2")] == ["pa1", "pa1"]
    assert result["remaining"]["preauthorizations"] == {"pa1": {"sessions": 0}}


def test_each_session_uses_the_covering_preauthorization_with_room_ending_first() -> None:
    result = decide(
        preauth_case(
            preauth("a", approved_sessions=1, valid_to="2026-06-30"),
            preauth("b", approved_sessions=1),
            preauth("late", valid_from="2026-03-10"),
            dates=MARCH[:3],
        )
    )
    # s3 (03-16) is the first session "late" covers.
    assert [decision(result, s)["preauthorization"] for s in ("s1", "s2", "s3")] == [
        "a",
        "b",
        "late",
    ]


def test_preauthorization_limit_holds_when_every_covering_approved_one_is_used_up() -> None:
    raw = preauth_case(
        preauth("a", approved_sessions=1, valid_to="2026-06-30"),
        preauth("b", approved_sessions=1),
        preauth("late", valid_from="2026-03-10"),
        preauth("pending", status="pending", approved_sessions=9),
    )
    raw["sessions"] = [session(f"s{i}") for i in (1, 2, 3)]
    result = decide(raw)
    assert [decision(result, s)["preauthorization"] for s in ("s1", "s2")] == ["a", "b"]
    assert reasons(result, "s3") == ["PREAUTH_LIMIT_REACHED"]


def test_preauthorization_ending_first_is_used_first() -> None:
    result = decide(
        preauth_case(
            preauth("z", valid_to="2026-12-31"),
            preauth("a", valid_to="2026-12-30"),
        )
    )
    assert decision(result, "s1")["preauthorization"] == "a"


def test_preauthorizations_ending_the_same_day_are_used_by_id_in_code_point_order() -> None:
    result = decide(preauth_case(preauth("pa9"), preauth("pa10")))
    assert decision(result, "s1")["preauthorization"] == "pa10"
    assert result["remaining"]["preauthorizations"] == {
        "pa10": {"sessions": 8},
        "pa9": {"sessions": 10},
    }


def test_preauthorization_without_room_is_skipped_for_the_next_one_with_room() -> None:
    result = decide(
        preauth_case(preauth("a", approved_sessions=0, valid_to="2026-04-01"), preauth("b"))
    )
    assert decision(result, "s1")["preauthorization"] == "b"


def test_remaining_preauthorizations_list_only_approved_ones() -> None:
    raw = preauth_case(
        preauth("p-ok", approved_sessions=3),
        preauth("p-pending", status="pending", approved_sessions=5),
        preauth("p-denied", status="denied", approved_sessions=None),
    )
    result = decide(raw)
    assert result["remaining"]["preauthorizations"] == {"p-ok": {"sessions": 1}}


def test_preauthorization_is_used_even_when_the_amount_is_zero() -> None:
    raw = preauth_case(preauth(approved_sessions=5), deductible="1000.00")
    result = decide(raw)
    assert decision(result, "s1") == {
        "source": "ins1",
        "status": "payable",
        "amount": "0.00",
        "claim_by": "2027-03-02",
        "preauthorization": "pa1",
    }
    assert result["remaining"]["preauthorizations"] == {"pa1": {"sessions": 3}}


def test_preauthorization_is_not_used_by_an_ineligible_session() -> None:
    raw = preauth_case(preauth(approved_sessions=1))
    raw["sessions"][0]["receipt"] = False
    result = decide(raw)
    assert decision(result, "s2")["preauthorization"] == "pa1"


def test_preauthorization_limit_is_checked_before_the_session_limit() -> None:
    raw = preauth_case(preauth(approved_sessions=0), session_limit=0)
    assert reasons(decide(raw), "s1") == ["PREAUTH_LIMIT_REACHED"]


def test_preauthorization_not_required_is_never_used() -> None:
    raw = make_case(
        sources=[insurance()],
        sessions=[session()],
        preauthorizations=[preauth(approved_sessions=1)],
    )
    result = decide(raw)
    assert decision(result)["preauthorization"] is None
    assert result["remaining"]["preauthorizations"] == {"pa1": {"sessions": 1}}


# --------------------------------------------------------------------------- 12 session limit


@pytest.mark.parametrize(("used", "limited"), [(4, False), (5, True)])
def test_session_limit_counts_sessions_used_outside_the_case(used: int, limited: bool) -> None:
    raw = make_case(sources=[insurance(session_limit=5, sessions_used=used)], sessions=[session()])
    result = decide(raw)
    if limited:
        assert reasons(result) == ["SESSION_LIMIT_REACHED"]
    else:
        assert status(result) == "payable"
    assert result["remaining"]["sources"]["ins1"]["sessions"] == 0


def test_session_limit_counts_sessions_paid_in_the_case() -> None:
    raw = make_case(sources=[insurance(session_limit=2)], sessions=sessions_on(*MARCH[:3]))
    result = decide(raw)
    assert [status(result, s) for s in ("s1", "s2")] == ["payable", "payable"]
    assert reasons(result, "s3") == ["SESSION_LIMIT_REACHED"]


def test_session_limit_of_zero_pays_nothing() -> None:
    raw = make_case(sources=[insurance(session_limit=0)], sessions=[session()])
    assert reasons(decide(raw)) == ["SESSION_LIMIT_REACHED"]


def test_settled_session_counts_toward_the_limit_before_earlier_predictions() -> None:
    raw = make_case(
        sources=[insurance(session_limit=1)],
        sessions=[
            session("s1", date="2026-03-02"),
            session("s2", date="2026-04-06", settled=[settled("ins1", "40.00")]),
        ],
    )
    result = decide(raw)
    assert reasons(result, "s1") == ["SESSION_LIMIT_REACHED"]
    assert decision(result, "s2") == {
        "source": "ins1",
        "status": "settled",
        "amount": "40.00",
        "preauthorization": None,
    }
    assert result["remaining"]["sources"]["ins1"]["sessions"] == 0


def test_sessions_used_and_settlements_add_up() -> None:
    raw = make_case(
        sources=[insurance(session_limit=3, sessions_used=1)],
        sessions=[
            session("s1", date="2026-03-02"),
            session("s2", date="2026-03-09"),
            session("s3", date="2026-04-06", settled=[settled("ins1", "0.00")]),
        ],
    )
    result = decide(raw)
    assert status(result, "s1") == "payable"
    assert reasons(result, "s2") == ["SESSION_LIMIT_REACHED"]


def test_session_paid_zero_counts_toward_the_limit() -> None:
    raw = make_case(
        sources=[insurance(session_limit=1, deductible="500.00")], sessions=sessions_on(*MARCH[:2])
    )
    result = decide(raw)
    assert amount(result, "s1") == "0.00"
    assert reasons(result, "s2") == ["SESSION_LIMIT_REACHED"]


def test_ineligible_and_not_needed_sessions_do_not_count_toward_the_limit() -> None:
    raw = make_case(
        sources=[insurance(session_limit=1)],
        sessions=[
            session("s1", date="2026-03-02", receipt=False),
            session("s2", date="2026-03-03", charge="0.00"),
            session("s3", date="2026-03-04"),
        ],
    )
    result = decide(raw)
    assert status(result, "s2") == "not_needed"
    assert status(result, "s3") == "payable"
    assert result["remaining"]["sources"]["ins1"]["sessions"] == 0


def test_remaining_sessions_are_never_below_zero() -> None:
    raw = make_case(
        sources=[insurance(session_limit=2, sessions_used=5)],
        sessions=[session(settled=[settled("ins1", "10.00")])],
    )
    assert decide(raw)["remaining"]["sources"]["ins1"] == {"deductible": "0.00", "sessions": 0}


def test_each_insurance_counts_its_own_sessions() -> None:
    raw = make_case(
        sources=[
            insurance("a", session_limit=1, coinsurance="0.50"),
            insurance("b", session_limit=1),
        ],
        sessions=sessions_on(*MARCH[:2]),
    )
    result = decide(raw)
    assert [amount(result, "s1", "a"), amount(result, "s1", "b")] == ["50.00", "50.00"]
    assert reasons(result, "s2", "a") == ["SESSION_LIMIT_REACHED"]
    assert reasons(result, "s2", "b") == ["SESSION_LIMIT_REACHED"]


# --------------------------------------------------------------------------- 13 funds


@pytest.mark.parametrize("kind", ["fsa", "wellness"])
def test_fund_used_up_is_exhausted_for_the_next_session(kind: str) -> None:
    source = fsa(election="100.00") if kind == "fsa" else wellness(annual_cap="100.00")
    result = decide(make_case(sources=[source], sessions=sessions_on(*MARCH[:2])))
    assert amount(result, "s1") == "100.00"
    assert reasons(result, "s2") == ["FUNDS_EXHAUSTED"]
    assert result["remaining"]["sources"][source["id"]] == {"funds": "0.00"}


@pytest.mark.parametrize("kind", ["fsa", "wellness"])
def test_fund_with_one_cent_left_pays_that_cent(kind: str) -> None:
    source = fsa(election="100.01") if kind == "fsa" else wellness(annual_cap="100.01")
    result = decide(make_case(sources=[source], sessions=sessions_on(*MARCH[:2])))
    assert amount(result, "s2") == "0.01"
    assert session_result(result, "s2")["out_of_pocket"] == "99.99"


def test_fsa_used_up_outside_the_case_is_exhausted() -> None:
    raw = make_case(sources=[fsa(election="500.00", used="500.00")], sessions=[session()])
    assert reasons(decide(raw)) == ["FUNDS_EXHAUSTED"]


def test_fsa_used_outside_the_case_is_subtracted() -> None:
    raw = make_case(sources=[fsa(election="500.00", used="450.00")], sessions=[session()])
    result = decide(raw)
    assert amount(result) == "50.00"
    assert result["remaining"]["sources"]["fsa1"] == {"funds": "0.00"}


def test_wellness_used_up_outside_the_case_is_exhausted() -> None:
    raw = make_case(sources=[wellness(annual_cap="300.00", used="300.00")], sessions=[session()])
    assert reasons(decide(raw)) == ["FUNDS_EXHAUSTED"]


def test_hsa_is_never_exhausted_it_pays_zero() -> None:
    raw = make_case(sources=[hsa(balance="0.00")], sessions=[session()])
    result = decide(raw)
    assert decision(result) == {
        "source": "hsa1",
        "status": "payable",
        "amount": "0.00",
        "claim_by": None,
        "deferred": "100.00",
    }
    assert session_result(result)["hsa_deferred"] == "100.00"


def test_funds_are_checked_even_when_nothing_remains_to_pay() -> None:
    raw = make_case(
        sources=[wellness(), fsa(election="0.00"), fsa("fsa2"), hsa(balance="0.00")],
        sessions=[session()],
    )
    result = decide(raw)
    assert amount(result, source="well1") == "100.00"
    assert reasons(result, source="fsa1") == ["FUNDS_EXHAUSTED"]
    assert decision(result, source="fsa2") == {"source": "fsa2", "status": "not_needed"}
    assert decision(result, source="hsa1") == {"source": "hsa1", "status": "not_needed"}


def test_settlements_use_funds_before_earlier_predictions() -> None:
    raw = make_case(
        sources=[fsa(election="100.00")],
        sessions=[
            session("s1", date="2026-03-02"),
            session("s2", date="2026-04-06", settled=[settled("fsa1", "100.00")]),
        ],
    )
    result = decide(raw)
    assert reasons(result, "s1") == ["FUNDS_EXHAUSTED"]
    assert decision(result, "s2") == {"source": "fsa1", "status": "settled", "amount": "100.00"}


def test_settled_amounts_above_the_fund_leave_zero_not_a_negative() -> None:
    raw = make_case(
        sources=[wellness(annual_cap="50.00"), fsa()],
        sessions=[session(settled=[settled("well1", "80.00")])],
    )
    result = decide(raw)
    assert result["remaining"]["sources"]["well1"] == {"funds": "0.00"}
    assert result["totals"]["by_source"]["well1"] == "80.00"
    assert amount(result, source="fsa1") == "20.00"


# --------------------------------------------------------------------------- not_needed


def test_limits_are_checked_even_when_remaining_is_zero() -> None:
    raw = make_case(
        sources=[
            insurance("a"),
            insurance("b", session_limit=0),
            insurance("c", requires_preauthorization=True),
        ],
        sessions=[session()],
        preauthorizations=[preauth(source="c", approved_sessions=0)],
    )
    result = decide(raw)
    assert amount(result, source="a") == "100.00"
    assert reasons(result, source="b") == ["SESSION_LIMIT_REACHED"]
    assert reasons(result, source="c") == ["PREAUTH_LIMIT_REACHED"]


def test_not_needed_uses_and_counts_nothing() -> None:
    raw = make_case(
        sources=[
            insurance("a"),
            insurance(
                "b",
                session_limit=3,
                deductible="50.00",
                requires_preauthorization=True,
            ),
            wellness(),
            fsa(),
            hsa(),
        ],
        sessions=[session()],
        preauthorizations=[preauth(source="b", approved_sessions=2)],
    )
    result = decide(raw)
    assert [d["status"] for d in session_result(result)["decisions"]] == [
        "payable",
        "not_needed",
        "not_needed",
        "not_needed",
        "not_needed",
    ]
    assert session_result(result)["decisions"][1] == {"source": "b", "status": "not_needed"}
    assert result["remaining"] == {
        "sources": {
            "a": {"deductible": "0.00", "sessions": None},
            "b": {"deductible": "50.00", "sessions": 3},
            "well1": {"funds": "1000.00"},
            "fsa1": {"funds": "1000.00"},
            "hsa1": {"funds": "1000.00"},
        },
        "lmns": {"lmn1": {"sessions": None}},
        "preauthorizations": {"pa1": {"sessions": 2}},
    }
    assert session_result(result)["hsa_deferred"] == "0.00"


def test_a_session_charging_nothing_is_not_needed_by_every_source() -> None:
    raw = make_case(
        sources=[insurance(), wellness(), fsa(), hsa()],
        sessions=[session(charge="0.00")],
    )
    result = decide(raw)
    assert {d["status"] for d in session_result(result)["decisions"]} == {"not_needed"}
    assert session_result(result)["out_of_pocket"] == "0.00"


def test_a_session_fully_settled_is_not_needed_by_the_other_sources() -> None:
    raw = make_case(
        sources=[insurance(), fsa()],
        sessions=[session(settled=[settled("ins1", "100.00")])],
    )
    result = decide(raw)
    assert decision(result, source="fsa1") == {"source": "fsa1", "status": "not_needed"}


# --------------------------------------------------------------------------- insurance amount


def ins_amount(charge: str = "100.00", **ins: Any) -> dict[str, Any]:
    return decide(make_case(sources=[insurance(**ins)], sessions=[session(charge=charge)]))


def test_insurance_amount_follows_the_published_formula() -> None:
    # allowed 80; ded min(80, 50 - 20) = 30; after 50; copay 10; 40 * 0.8 = 32.00.
    result = ins_amount(
        allowed_per_session="80.00",
        deductible="50.00",
        deductible_met="20.00",
        copay="10.00",
        coinsurance="0.20",
    )
    assert amount(result) == "32.00"
    assert session_result(result)["out_of_pocket"] == "68.00"
    assert result["remaining"]["sources"]["ins1"] == {"deductible": "0.00", "sessions": None}


def test_insurance_allows_the_charge_when_it_is_below_the_allowed_amount() -> None:
    assert amount(ins_amount("60.00", allowed_per_session="80.00")) == "60.00"


def test_insurance_allows_at_most_the_allowed_amount() -> None:
    assert amount(ins_amount("100.00", allowed_per_session="70.00")) == "70.00"


def test_insurance_deductible_is_taken_before_paying() -> None:
    result = ins_amount(deductible="30.00")
    assert amount(result) == "70.00"
    assert result["remaining"]["sources"]["ins1"]["deductible"] == "0.00"


def test_insurance_deductible_is_applied_even_when_the_amount_is_zero() -> None:
    # The ENGINE.md example: allowed 70 of 85, all of it to the deductible.
    result = ins_amount("85.00", allowed_per_session="70.00", deductible="500.00", copay="20.00")
    assert amount(result) == "0.00"
    assert status(result) == "payable"
    assert result["remaining"]["sources"]["ins1"] == {"deductible": "430.00", "sessions": None}


def test_insurance_deductible_runs_across_sessions() -> None:
    raw = make_case(
        sources=[insurance(deductible="150.00", deductible_met="0.00")],
        sessions=sessions_on(*MARCH[:3]),
    )
    result = decide(raw)
    assert [amount(result, s) for s in ("s1", "s2", "s3")] == ["0.00", "50.00", "100.00"]
    assert result["remaining"]["sources"]["ins1"]["deductible"] == "0.00"


def test_insurance_deductible_met_reduces_what_is_left() -> None:
    result = ins_amount(deductible="150.00", deductible_met="120.00")
    assert amount(result) == "70.00"


def test_insurance_deductible_fully_met_is_zero() -> None:
    result = ins_amount(deductible="150.00", deductible_met="150.00", copay="5.00")
    assert amount(result) == "95.00"
    assert result["remaining"]["sources"]["ins1"]["deductible"] == "0.00"


def test_insurance_copay_is_capped_at_what_is_left_after_the_deductible() -> None:
    result = ins_amount("100.00", deductible="90.00", copay="20.00")
    assert amount(result) == "0.00"
    assert ins_amount("10.00", copay="20.00")["sessions"][0]["decisions"][0]["amount"] == "0.00"


@pytest.mark.parametrize(
    ("charge", "coinsurance", "expected"),
    [
        ("0.01", "0.5", "0.01"),  # 0.005 -> 0.01
        ("0.05", "0.5", "0.03"),  # 0.025 -> 0.03 (half up, not half even)
        ("10.01", "0.5", "5.01"),  # 5.005 -> 5.01
        ("10.01", "0.7", "3.00"),  # 3.003 -> 3.00
        ("1.00", "0.125", "0.88"),  # 0.875 -> 0.88
        ("1.00", "0.0625", "0.94"),  # 0.9375 -> 0.94
        ("0.99", "0.99", "0.01"),  # 0.0099 -> 0.01
        ("0.49", "0.99", "0.00"),  # 0.0049 -> 0.00
        ("100.00", "1", "0.00"),
        ("100.00", "1.0", "0.00"),
        ("100.00", "0", "100.00"),
        ("100.00", "0.00", "100.00"),
    ],
)
def test_insurance_amount_rounds_half_up_to_cents(
    charge: str, coinsurance: str, expected: str
) -> None:
    assert amount(ins_amount(charge, coinsurance=coinsurance)) == expected


def test_insurance_amount_is_cut_down_by_remaining_but_still_counts() -> None:
    raw = make_case(
        sources=[
            insurance(
                deductible="30.00",
                session_limit=5,
                requires_preauthorization=True,
            ),
            fsa(),
        ],
        sessions=[session(settled=[settled("fsa1", "90.00")])],
        preauthorizations=[preauth(approved_sessions=4)],
    )
    result = decide(raw)
    # Computed 70.00 (100 - 30 deductible), cut to the 10.00 not yet settled.
    assert amount(result, source="ins1") == "10.00"
    assert session_result(result)["out_of_pocket"] == "0.00"
    assert result["remaining"]["sources"]["ins1"] == {"deductible": "0.00", "sessions": 4}
    assert result["remaining"]["preauthorizations"] == {"pa1": {"sessions": 3}}


def test_second_insurance_computes_from_the_full_charge_cut_by_remaining() -> None:
    raw = make_case(
        sources=[
            insurance("primary", allowed_per_session="80.00", coinsurance="0.20"),
            insurance("secondary", deductible="50.00"),
        ],
        sessions=[session(charge="100.00")],
    )
    result = decide(raw)
    assert amount(result, source="primary") == "64.00"
    # From the full charge: 100 - 50 deductible = 50, cut to the 36.00 remaining.
    assert amount(result, source="secondary") == "36.00"
    assert result["remaining"]["sources"]["secondary"]["deductible"] == "0.00"
    assert session_result(result)["out_of_pocket"] == "0.00"


def test_second_insurance_pays_what_its_own_terms_give_when_less_than_remaining() -> None:
    raw = make_case(
        sources=[
            insurance("primary", coinsurance="0.50"),
            insurance("secondary", copay="40.00", allowed_per_session="70.00"),
        ],
        sessions=[session(charge="100.00")],
    )
    result = decide(raw)
    assert amount(result, source="primary") == "50.00"
    assert amount(result, source="secondary") == "30.00"
    assert session_result(result)["out_of_pocket"] == "20.00"


# --------------------------------------------------------------------------- fsa, wellness


def test_fsa_pays_what_remains_up_to_its_funds() -> None:
    raw = make_case(
        sources=[insurance(coinsurance="0.40"), fsa(election="30.00")], sessions=[session()]
    )
    result = decide(raw)
    assert amount(result, source="ins1") == "60.00"
    assert amount(result, source="fsa1") == "30.00"
    assert session_result(result)["out_of_pocket"] == "10.00"


@pytest.mark.parametrize(
    ("paid", "rate", "expected"),
    [
        ("85.00", "0.50", "42.50"),
        ("0.01", "0.5", "0.01"),  # 0.005 -> 0.01
        ("0.05", "0.5", "0.03"),  # 0.025 -> 0.03
        ("10.01", "0.5", "5.01"),
        ("33.33", "0.333", "11.10"),  # 11.09889
        ("100.00", "1", "100.00"),
        ("100.00", "0", "0.00"),
    ],
)
def test_wellness_pays_remaining_times_rate_rounded_half_up(
    paid: str, rate: str, expected: str
) -> None:
    raw = make_case(sources=[wellness(rate=rate)], sessions=[session(charge=paid)])
    assert amount(decide(raw)) == expected


def test_wellness_rate_applies_to_what_remains_after_insurance() -> None:
    raw = make_case(
        sources=[insurance(coinsurance="0.50"), wellness(rate="0.50")], sessions=[session()]
    )
    assert amount(decide(raw), source="well1") == "25.00"


def test_wellness_is_capped_by_its_funds_left() -> None:
    raw = make_case(
        sources=[wellness(rate="0.50", annual_cap="100.00", used="70.00"), fsa()],
        sessions=[session()],
    )
    result = decide(raw)
    assert amount(result, source="well1") == "30.00"
    assert amount(result, source="fsa1") == "70.00"


# --------------------------------------------------------------------------- hsa, strategy


def test_hsa_pays_what_remains_under_maximize_now() -> None:
    raw = make_case(sources=[fsa(election="60.00"), hsa()], sessions=[session()])
    result = decide(raw)
    assert amount(result, source="hsa1") == "40.00"
    assert decision(result, source="hsa1")["deferred"] == "0.00"
    assert session_result(result)["hsa_deferred"] == "0.00"
    assert result["remaining"]["sources"]["hsa1"] == {"funds": "960.00"}


def test_hsa_with_a_small_balance_defers_the_rest() -> None:
    raw = make_case(sources=[hsa(balance="30.00")], sessions=[session()])
    result = decide(raw)
    assert decision(result) == {
        "source": "hsa1",
        "status": "payable",
        "amount": "30.00",
        "claim_by": None,
        "deferred": "70.00",
    }
    assert session_result(result)["out_of_pocket"] == "70.00"
    assert session_result(result)["hsa_deferred"] == "70.00"


def test_explicit_maximize_now_is_the_default() -> None:
    raw = make_case(sources=[hsa()], sessions=[session()])
    assert decide(raw) == decide({**raw, "strategy": "maximize_now"})


def test_preserve_hsa_pays_zero_and_defers_the_out_of_pocket() -> None:
    raw = make_case(
        sources=[fsa(election="60.00"), hsa()], sessions=[session()], strategy="preserve_hsa"
    )
    result = decide(raw)
    assert decision(result, source="hsa1") == {
        "source": "hsa1",
        "status": "payable",
        "amount": "0.00",
        "claim_by": None,
        "deferred": "40.00",
    }
    assert session_result(result)["out_of_pocket"] == "40.00"
    assert session_result(result)["hsa_deferred"] == "40.00"
    assert result["remaining"]["sources"]["hsa1"] == {"funds": "1000.00"}
    assert result["totals"]["by_source"]["hsa1"] == "0.00"
    assert result["totals"]["hsa_deferred"] == "40.00"


def test_hsa_deferred_is_the_out_of_pocket_after_the_last_source() -> None:
    raw = make_case(
        sources=[fsa(), hsa()],
        sessions=[session()],
        priority=["hsa1", "fsa1"],
        strategy="preserve_hsa",
    )
    result = decide(raw)
    assert amount(result, source="fsa1") == "100.00"
    assert decision(result, source="hsa1")["deferred"] == "0.00"
    assert session_result(result)["hsa_deferred"] == "0.00"


def test_hsa_not_needed_defers_nothing() -> None:
    raw = make_case(sources=[insurance(coinsurance="0.50"), fsa(), hsa()], sessions=[session()])
    result = decide(raw)
    assert status(result, source="hsa1") == "not_needed"
    assert session_result(result)["hsa_deferred"] == "0.00"


def test_hsa_ineligible_defers_nothing_even_with_money_out_of_pocket() -> None:
    raw = make_case(sources=[hsa(established="2026-04-01")], sessions=[session()])
    result = decide(raw)
    assert reasons(result) == ["OUTSIDE_COVERAGE_PERIOD"]
    assert session_result(result)["out_of_pocket"] == "100.00"
    assert session_result(result)["hsa_deferred"] == "0.00"


def test_hsa_settled_defers_the_out_of_pocket() -> None:
    raw = make_case(sources=[hsa()], sessions=[session(settled=[settled("hsa1", "60.00")])])
    result = decide(raw)
    assert decision(result) == {"source": "hsa1", "status": "settled", "amount": "60.00"}
    assert session_result(result)["out_of_pocket"] == "40.00"
    assert session_result(result)["hsa_deferred"] == "40.00"
    assert result["remaining"]["sources"]["hsa1"] == {"funds": "940.00"}


def test_hsa_settlement_uses_the_balance_before_earlier_predictions() -> None:
    raw = make_case(
        sources=[hsa(balance="100.00")],
        sessions=[
            session("s1", date="2026-03-02"),
            session("s2", date="2026-04-06", settled=[settled("hsa1", "100.00")]),
        ],
    )
    result = decide(raw)
    assert decision(result, "s1") == {
        "source": "hsa1",
        "status": "payable",
        "amount": "0.00",
        "claim_by": None,
        "deferred": "100.00",
    }


# --------------------------------------------------------------------------- settlements


def test_settled_decision_is_a_fact_no_reason_or_limit_is_checked() -> None:
    raw = make_case(
        as_of="2028-01-01",
        sources=[
            insurance(
                session_limit=0,
                covers_training=False,
                requires_preauthorization=True,
                timely_filing_days=1,
            ),
            fsa(election="0.00", limited_purpose=True),
        ],
        sessions=[
            session(
                date="2025-06-01",
                paid="50.00",
                receipt=False,
                settled=[settled("ins1", "20.00"), settled("fsa1", "30.00")],
            )
        ],
        lmns=[],
    )
    result = decide(raw)
    assert session_result(result)["decisions"] == [
        {"source": "ins1", "status": "settled", "amount": "20.00", "preauthorization": None},
        {"source": "fsa1", "status": "settled", "amount": "30.00"},
    ]
    assert session_result(result)["out_of_pocket"] == "0.00"
    # The LMN reason is still the session's, so it is not among the actions.
    assert result["actions"] == []


def test_settled_amounts_are_subtracted_from_remaining() -> None:
    raw = make_case(
        sources=[insurance(), fsa()],
        sessions=[session(settled=[settled("ins1", "30.00")])],
    )
    result = decide(raw)
    assert amount(result, source="fsa1") == "70.00"
    assert session_result(result)["out_of_pocket"] == "0.00"
    assert result["totals"]["by_source"] == {"ins1": "30.00", "fsa1": "70.00"}


def test_settled_zero_counts_for_the_limit_but_leaves_remaining() -> None:
    raw = make_case(
        sources=[insurance(session_limit=4), fsa()],
        sessions=[session(settled=[settled("ins1", "0.00")])],
    )
    result = decide(raw)
    assert decision(result, source="ins1")["status"] == "settled"
    assert amount(result, source="fsa1") == "100.00"
    assert result["remaining"]["sources"]["ins1"]["sessions"] == 3


def test_settlement_uses_the_preauthorization_before_earlier_predictions() -> None:
    raw = make_case(
        sources=[insurance(requires_preauthorization=True)],
        sessions=[
            session("s1", date="2026-03-02"),
            session("s2", date="2026-04-06", settled=[settled("ins1", "50.00")]),
        ],
        preauthorizations=[preauth(approved_sessions=1)],
    )
    result = decide(raw)
    assert decision(result, "s2") == {
        "source": "ins1",
        "status": "settled",
        "amount": "50.00",
        "preauthorization": "pa1",
    }
    assert reasons(result, "s1") == ["PREAUTH_LIMIT_REACHED"]
    assert result["remaining"]["preauthorizations"] == {"pa1": {"sessions": 0}}


def test_settlements_use_preauthorizations_in_session_order() -> None:
    raw = make_case(
        sources=[insurance(requires_preauthorization=True)],
        sessions=[
            session("s2", date="2026-04-06", settled=[settled("ins1", "50.00")]),
            session("s1", date="2026-03-02", settled=[settled("ins1", "50.00")]),
        ],
        preauthorizations=[preauth("b"), preauth("a", approved_sessions=1, valid_to="2026-06-30")],
    )
    result = decide(raw)
    assert decision(result, "s1")["preauthorization"] == "a"
    assert decision(result, "s2")["preauthorization"] == "b"


def test_settlement_with_no_preauthorization_room_names_none() -> None:
    raw = make_case(
        sources=[insurance(requires_preauthorization=True)],
        sessions=[session(settled=[settled("ins1", "50.00")])],
        preauthorizations=[preauth(approved_sessions=0)],
    )
    assert decision(decide(raw))["preauthorization"] is None


def test_settlement_of_insurance_not_requiring_preauthorization_names_none() -> None:
    raw = make_case(
        sources=[insurance()],
        sessions=[session(settled=[settled("ins1", "50.00")])],
        preauthorizations=[preauth(approved_sessions=3)],
    )
    result = decide(raw)
    assert decision(result)["preauthorization"] is None
    assert result["remaining"]["preauthorizations"] == {"pa1": {"sessions": 3}}


def test_settlement_deductible_applies_before_earlier_predictions() -> None:
    raw = make_case(
        sources=[insurance(deductible="100.00", deductible_met="10.00")],
        sessions=[
            session("s1", date="2026-03-02"),
            session(
                "s2", date="2026-04-06", settled=[settled("ins1", "40.00", deductible="60.00")]
            ),
        ],
    )
    result = decide(raw)
    # Left for s1: 100 - 10 met - 60 settled = 30.
    assert amount(result, "s1") == "70.00"
    assert result["remaining"]["sources"]["ins1"]["deductible"] == "0.00"


def test_settlement_deductible_defaults_to_zero_and_remaining_never_goes_below_zero() -> None:
    raw = make_case(
        sources=[insurance(deductible="100.00")],
        sessions=[session(settled=[settled("ins1", "40.00")])],
    )
    assert decide(raw)["remaining"]["sources"]["ins1"]["deductible"] == "100.00"
    raw["sessions"][0]["settled"][0]["deductible"] = "250.00"
    assert decide(raw)["remaining"]["sources"]["ins1"]["deductible"] == "0.00"


def test_settlements_are_not_part_of_sessions_used_deductible_met_or_used() -> None:
    raw = make_case(
        sources=[
            insurance(session_limit=2, sessions_used=1, deductible="50.00", deductible_met="20.00"),
            fsa(election="300.00", used="100.00"),
        ],
        sessions=[
            session(
                settled=[settled("ins1", "30.00", deductible="10.00"), settled("fsa1", "70.00")]
            )
        ],
    )
    result = decide(raw)
    assert result["remaining"]["sources"] == {
        "ins1": {"deductible": "20.00", "sessions": 0},
        "fsa1": {"funds": "130.00"},
    }


def test_settled_session_still_attributes_its_lmn() -> None:
    raw = make_case(
        sources=[fsa()],
        sessions=[session(settled=[settled("fsa1", "100.00")])],
    )
    raw["lmns"][0]["sessions_authorized"] = 2
    result = decide(raw)
    assert session_result(result)["lmn"] == "lmn1"
    assert result["remaining"]["lmns"] == {"lmn1": {"sessions": 1}}


# --------------------------------------------------------------------------- totals, remaining


def test_totals_sum_included_sessions_and_every_source() -> None:
    raw = make_case(
        sources=[insurance(coinsurance="0.50"), fsa(election="60.00"), hsa(), wellness("w")],
        priority=["fsa1", "hsa1", "w"],
        strategy="preserve_hsa",
        sessions=[
            session("s1", date="2026-03-02", charge="100.00"),
            session("s2", date="2026-03-09", charge="80.00", settled=[settled("ins1", "5.00")]),
            session("s3", date="2026-03-16", charge="20.00", paid="10.00"),
            session("s4", date="2026-12-01", charge="500.00"),
        ],
    )
    result = decide(raw)
    # s1: ins 50, fsa 50, the rest not needed. s2: ins settled 5, fsa its last 10, hsa 0.00
    # (preserve_hsa), w the 65 left at rate 1. s3 is not paid in full. s4 is in the future.
    assert amount(result, "s1", "ins1") == "50.00"
    assert amount(result, "s1", "fsa1") == "50.00"
    assert amount(result, "s2", "fsa1") == "10.00"
    assert amount(result, "s2", "w") == "65.00"
    assert session_result(result, "s2")["hsa_deferred"] == "0.00"
    assert result["totals"] == {
        "paid": "190.00",
        "by_source": {"ins1": "55.00", "fsa1": "60.00", "hsa1": "0.00", "w": "65.00"},
        "out_of_pocket": "10.00",
        "hsa_deferred": "0.00",
    }
    assert session_result(result, "s3")["out_of_pocket"] == "10.00"


def test_totals_sum_hsa_deferred_over_sessions() -> None:
    raw = make_case(
        sources=[hsa(balance="30.00")],
        sessions=sessions_on(*MARCH[:2]),
    )
    result = decide(raw)
    assert result["totals"] == {
        "paid": "200.00",
        "by_source": {"hsa1": "30.00"},
        "out_of_pocket": "170.00",
        "hsa_deferred": "170.00",
    }


def test_remaining_insurance_without_a_limit_has_null_sessions() -> None:
    raw = make_case(sources=[insurance(deductible="100.00", deductible_met="40.00")])
    assert decide(raw)["remaining"]["sources"] == {
        "ins1": {"deductible": "60.00", "sessions": None}
    }


def test_remaining_insurance_sessions_subtract_used_paid_and_settled() -> None:
    raw = make_case(
        sources=[insurance(session_limit=10, sessions_used=3)],
        sessions=[
            session("s1", date="2026-03-02"),
            session("s2", date="2026-03-09", settled=[settled("ins1", "1.00")]),
            session("s3", date="2026-03-16", receipt=False),
        ],
    )
    assert decide(raw)["remaining"]["sources"]["ins1"] == {"deductible": "0.00", "sessions": 5}


def test_remaining_funds_of_each_account() -> None:
    raw = make_case(
        sources=[
            fsa(election="500.00", used="100.00"),
            wellness(annual_cap="300.00", used="50.00"),
            hsa(balance="250.00"),
        ]
    )
    assert decide(raw)["remaining"]["sources"] == {
        "fsa1": {"funds": "400.00"},
        "well1": {"funds": "250.00"},
        "hsa1": {"funds": "250.00"},
    }


def test_sessions_used_defaults_to_zero() -> None:
    raw = make_case(
        sources=[insurance(session_limit=3), insurance("ins2", session_limit=3, sessions_used=None)]
    )
    assert decide(raw)["remaining"]["sources"] == {
        "ins1": {"deductible": "0.00", "sessions": 3},
        "ins2": {"deductible": "0.00", "sessions": 3},
    }
