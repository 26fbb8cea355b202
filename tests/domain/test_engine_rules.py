"""The reasons a source cannot pay a session (shared/ENGINE.md, Procedure 4.1 and
4.2 reasons 1-10), the applicable LMN, the allocation order, future sessions,
actions and the defaults of optional fields.

Each reason has a case where it decides and a neighbouring case (one day
inside, the matching code, ...) where it does not.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.casekit import (
    OMIT,
    credential,
    decide,
    decision,
    fsa,
    hsa,
    insurance,
    lmn,
    preauth,
    reasons,
    session,
    session_result,
    status,
    trainer,
    wellness,
)
from tests.domain.casekit import case as make_case

ALL_KINDS = {
    "insurance": insurance,
    "fsa": fsa,
    "hsa": hsa,
    "wellness": wellness,
}


def one(source: dict[str, Any], **session_fields: Any) -> dict[str, Any]:
    """A case with one source and one session s1."""
    return make_case(sources=[source], sessions=[session(**session_fields)])


def sole_reasons(raw: dict[str, Any], session_id: str = "s1") -> list[str]:
    return reasons(decide(raw), session_id)


# --------------------------------------------------------------------------- 1, 2


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_session_not_paid_in_full_is_not_payable(kind: str) -> None:
    raw = one(ALL_KINDS[kind](), charge="100.00", paid="99.99")
    assert sole_reasons(raw) == ["NOT_PAID_IN_FULL"]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_session_paid_in_full_is_payable(kind: str) -> None:
    raw = one(ALL_KINDS[kind](), charge="100.00", paid="100.00")
    assert status(decide(raw)) == "payable"


def test_session_with_nothing_paid_is_not_paid_in_full() -> None:
    raw = one(fsa(), charge="100.00", paid="0.00")
    assert sole_reasons(raw) == ["NOT_PAID_IN_FULL"]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_session_without_receipt_is_not_payable(kind: str) -> None:
    raw = one(ALL_KINDS[kind](), receipt=False)
    assert sole_reasons(raw) == ["RECEIPT_MISSING"]


# --------------------------------------------------------------------------- 3 coverage


@pytest.mark.parametrize("kind", ["insurance", "fsa", "wellness"])
@pytest.mark.parametrize(
    ("date", "inside"),
    [
        ("2025-12-31", False),
        ("2026-01-01", True),
        ("2026-12-31", True),
    ],
)
def test_session_must_fall_in_the_period_both_ends_inclusive(
    kind: str, date: str, inside: bool
) -> None:
    # A long filing window keeps insurance's per-session deadline out of the way.
    extra = {"timely_filing_days": 3650} if kind == "insurance" else {}
    raw = one(ALL_KINDS[kind](**extra), date=date)
    raw["as_of"] = "2027-01-05"
    raw["lmns"] = [lmn(valid_from="2025-01-01", valid_to="2027-12-31")]
    assert sole_reasons(raw) == ([] if inside else ["OUTSIDE_COVERAGE_PERIOD"])


@pytest.mark.parametrize("kind", ["insurance", "wellness"])
def test_session_the_day_after_the_period_is_outside_coverage(kind: str) -> None:
    raw = one(ALL_KINDS[kind](), date="2027-01-01")
    raw["as_of"] = "2027-01-05"
    raw["lmns"] = [lmn(valid_to="2027-12-31")]
    assert sole_reasons(raw) == ["OUTSIDE_COVERAGE_PERIOD"]


def test_fsa_without_grace_period_covers_nothing_after_the_period_end() -> None:
    raw = one(fsa(), date="2027-01-01")
    raw["as_of"] = "2027-01-05"
    raw["lmns"] = [lmn(valid_to="2027-12-31")]
    assert sole_reasons(raw) == ["OUTSIDE_COVERAGE_PERIOD"]


@pytest.mark.parametrize(("date", "inside"), [("2027-03-16", True), ("2027-03-17", False)])
def test_fsa_grace_period_extends_coverage_to_end_plus_grace_days(date: str, inside: bool) -> None:
    # 2026-12-31 + 75 days = 2027-03-16.
    raw = one(fsa(grace_period_days=75), date=date)
    raw["as_of"] = "2027-03-20"
    raw["lmns"] = [lmn(valid_to="2027-12-31")]
    result = decide(raw)
    if inside:
        assert decision(result)["status"] == "payable"
        # The grace period moves coverage, not the claim deadline: end + runout (90).
        assert decision(result)["claim_by"] == "2027-03-31"
    else:
        assert reasons(result) == ["OUTSIDE_COVERAGE_PERIOD"]


@pytest.mark.parametrize(("date", "inside"), [("2025-02-28", False), ("2025-03-01", True)])
def test_hsa_covers_sessions_on_or_after_it_was_established(date: str, inside: bool) -> None:
    raw = one(hsa(established="2025-03-01"), date=date)
    raw["lmns"] = [lmn(valid_from="2025-01-01")]
    assert sole_reasons(raw) == ([] if inside else ["OUTSIDE_COVERAGE_PERIOD"])


def test_hsa_has_no_end_of_coverage() -> None:
    raw = one(hsa(established="2000-01-01"), date="2099-05-01")
    raw["as_of"] = "2099-06-01"
    raw["lmns"] = [lmn(valid_to="2099-12-31")]
    assert status(decide(raw)) == "payable"


# --------------------------------------------------------------------------- 4 deadline


@pytest.mark.parametrize(("as_of", "passed"), [("2026-04-01", False), ("2026-04-02", True)])
def test_insurance_claim_is_due_session_date_plus_timely_filing_days(
    as_of: str, passed: bool
) -> None:
    # 2026-03-02 + 30 days = 2026-04-01, the last day to file.
    raw = one(insurance(timely_filing_days=30))
    raw["as_of"] = as_of
    result = decide(raw)
    if passed:
        assert reasons(result) == ["CLAIM_DEADLINE_PASSED"]
    else:
        assert decision(result)["claim_by"] == "2026-04-01"


@pytest.mark.parametrize(("as_of", "passed"), [("2027-03-31", False), ("2027-04-01", True)])
def test_fsa_claim_is_due_period_end_plus_runout_days(as_of: str, passed: bool) -> None:
    raw = one(fsa(runout_days=90))
    raw["as_of"] = as_of
    result = decide(raw)
    if passed:
        assert reasons(result) == ["CLAIM_DEADLINE_PASSED"]
    else:
        assert decision(result)["claim_by"] == "2027-03-31"


def test_fsa_claim_deadline_ignores_the_grace_period() -> None:
    raw = one(fsa(grace_period_days=75, runout_days=30))
    raw["as_of"] = "2027-01-30"
    assert decision(decide(raw))["claim_by"] == "2027-01-30"
    raw["sources"] = [fsa(grace_period_days=75, runout_days=29)]
    assert sole_reasons(raw) == ["CLAIM_DEADLINE_PASSED"]


@pytest.mark.parametrize(("as_of", "passed"), [("2027-03-01", False), ("2027-03-02", True)])
def test_wellness_claim_is_due_period_end_plus_claim_deadline_days(
    as_of: str, passed: bool
) -> None:
    raw = one(wellness(claim_deadline_days=60))
    raw["as_of"] = as_of
    result = decide(raw)
    if passed:
        assert reasons(result) == ["CLAIM_DEADLINE_PASSED"]
    else:
        assert decision(result)["claim_by"] == "2027-03-01"


def test_hsa_has_no_claim_deadline() -> None:
    raw = one(hsa())
    raw["as_of"] = "2090-01-01"
    assert decision(decide(raw)) == {
        "source": "hsa1",
        "status": "payable",
        "amount": "100.00",
        "claim_by": None,
        "deferred": "0.00",
    }


def test_claim_deadline_of_zero_days_is_the_day_itself() -> None:
    raw = one(insurance(timely_filing_days=0))
    raw["as_of"] = "2026-03-02"
    assert decision(decide(raw))["claim_by"] == "2026-03-02"
    raw["as_of"] = "2026-03-03"
    assert sole_reasons(raw) == ["CLAIM_DEADLINE_PASSED"]


# --------------------------------------------------------------------------- 5, 6


def test_insurance_that_does_not_cover_training_excludes_it() -> None:
    assert sole_reasons(one(insurance(covers_training=False))) == ["SOURCE_EXCLUDES_TRAINING"]
    assert sole_reasons(one(insurance(covers_training=True))) == []


def test_limited_purpose_fsa_excludes_training() -> None:
    assert sole_reasons(one(fsa(limited_purpose=True))) == ["SOURCE_EXCLUDES_TRAINING"]
    assert sole_reasons(one(fsa(limited_purpose=False))) == []


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_code_missing_from_covered_codes_is_not_covered(kind: str) -> None:
    raw = one(ALL_KINDS[kind](covered_codes=["S9451", "97530"]), code="97110")
    assert sole_reasons(raw) == ["SERVICE_NOT_COVERED"]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_code_listed_in_covered_codes_is_covered(kind: str) -> None:
    raw = one(ALL_KINDS[kind](covered_codes=["S9451", "97110"]), code="97110")
    assert sole_reasons(raw) == []


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_empty_covered_codes_cover_any_code(kind: str) -> None:
    raw = one(ALL_KINDS[kind](covered_codes=[]), code="ANY-CODE")
    assert sole_reasons(raw) == []


# --------------------------------------------------------------------------- 7 LMN reasons


def lmn_case(*lmns: dict[str, Any], **session_fields: Any) -> dict[str, Any]:
    raw = make_case(sources=[insurance()], sessions=[session(**session_fields)], lmns=list(lmns))
    raw["trainers"] = [trainer("t1"), trainer("t2")]
    return raw


def test_session_without_any_lmn_has_lmn_missing() -> None:
    result = decide(lmn_case())
    assert reasons(result) == ["LMN_MISSING"]
    assert session_result(result)["lmn"] is None


def test_lmn_that_starts_after_the_session_is_missing_not_expired() -> None:
    raw = lmn_case(lmn(valid_from="2026-03-03"))
    assert sole_reasons(raw) == ["LMN_MISSING"]


def test_session_after_lmn_expiry_is_not_payable() -> None:
    raw = lmn_case(lmn(valid_to="2026-03-01"))
    assert sole_reasons(raw) == ["LMN_EXPIRED"]


def test_session_on_the_last_day_of_the_lmn_is_covered() -> None:
    result = decide(lmn_case(lmn(valid_to="2026-03-02")))
    assert status(result) == "payable"
    assert session_result(result)["lmn"] == "lmn1"


def test_session_on_the_first_day_of_the_lmn_is_covered() -> None:
    assert status(decide(lmn_case(lmn(valid_from="2026-03-02")))) == "payable"


def test_one_expired_lmn_among_future_ones_makes_it_expired() -> None:
    raw = lmn_case(lmn("old", valid_to="2026-02-01"), lmn("new", valid_from="2026-04-01"))
    assert sole_reasons(raw) == ["LMN_EXPIRED"]


def test_an_unsigned_expired_lmn_still_makes_it_expired() -> None:
    # "LMN_EXPIRED if some LMN has valid_to < date": any LMN, signed or not.
    raw = lmn_case(lmn(valid_to="2026-02-01", signed_on=OMIT))
    assert sole_reasons(raw) == ["LMN_EXPIRED"]


@pytest.mark.parametrize("signed_on", [OMIT, None])
def test_unsigned_lmn_covering_the_date_is_not_signed(signed_on: Any) -> None:
    raw = lmn_case(lmn(signed_on=signed_on))
    assert sole_reasons(raw) == ["LMN_NOT_SIGNED"]


def test_only_the_presence_of_signed_on_matters() -> None:
    # Signed after the session, even after as_of: still signed.
    raw = lmn_case(lmn(signed_on="2030-01-01"))
    assert status(decide(raw)) == "payable"


def test_lmn_naming_other_trainers_does_not_authorize_this_one() -> None:
    raw = lmn_case(lmn(authorized_trainers=["t2"]))
    assert sole_reasons(raw) == ["TRAINER_NOT_AUTHORIZED"]


def test_lmn_naming_the_trainer_authorizes_them() -> None:
    raw = lmn_case(lmn(authorized_trainers=["t2", "t1"]))
    assert status(decide(raw)) == "payable"


def test_trainer_authorized_only_by_an_unsigned_lmn_is_not_authorized() -> None:
    raw = lmn_case(
        lmn("a", authorized_trainers=["t1"], signed_on=OMIT),
        lmn("b", authorized_trainers=["t2"]),
    )
    assert sole_reasons(raw) == ["TRAINER_NOT_AUTHORIZED"]


def test_lmn_listing_other_facilities_does_not_authorize_this_one() -> None:
    raw = lmn_case(lmn(authorized_facilities=["gym-a"]), facility="gym-b")
    assert sole_reasons(raw) == ["FACILITY_NOT_AUTHORIZED"]


def test_lmn_listing_the_facility_authorizes_it() -> None:
    raw = lmn_case(lmn(authorized_facilities=["gym-a", "gym-b"]), facility="gym-b")
    assert status(decide(raw)) == "payable"


@pytest.mark.parametrize("facility", [OMIT, None])
def test_session_with_no_facility_is_not_authorized_by_an_lmn_listing_facilities(
    facility: Any,
) -> None:
    raw = lmn_case(lmn(authorized_facilities=["gym-a"]), facility=facility)
    assert sole_reasons(raw) == ["FACILITY_NOT_AUTHORIZED"]


@pytest.mark.parametrize("facility", [OMIT, None, "gym-a"])
def test_lmn_with_no_facilities_authorizes_any_session(facility: Any) -> None:
    raw = lmn_case(lmn(authorized_facilities=[]), facility=facility)
    assert status(decide(raw)) == "payable"


def test_facility_is_checked_among_the_lmns_that_authorize_the_trainer() -> None:
    # "a" authorizes the facility but not the trainer; "b" the trainer but not the facility.
    raw = lmn_case(
        lmn("a", authorized_trainers=["t2"], authorized_facilities=["gym-a"]),
        lmn("b", authorized_trainers=["t1"], authorized_facilities=["gym-b"]),
        facility="gym-a",
    )
    assert sole_reasons(raw) == ["FACILITY_NOT_AUTHORIZED"]


def test_lmn_with_its_sessions_used_has_lmn_session_limit_reached() -> None:
    raw = lmn_case(lmn(sessions_authorized=1))
    raw["sessions"] = [session("s1"), session("s2", date="2026-03-03")]
    result = decide(raw)
    assert status(result, "s1") == "payable"
    assert reasons(result, "s2") == ["LMN_SESSION_LIMIT_REACHED"]
    assert session_result(result, "s2")["lmn"] is None
    assert result["remaining"]["lmns"] == {"lmn1": {"sessions": 0}}


def test_lmn_with_one_session_left_covers_the_last_one() -> None:
    raw = lmn_case(lmn(sessions_authorized=2))
    raw["sessions"] = [session("s1"), session("s2", date="2026-03-03")]
    result = decide(raw)
    assert [status(result, s) for s in ("s1", "s2")] == ["payable", "payable"]
    assert result["remaining"]["lmns"] == {"lmn1": {"sessions": 0}}


def test_lmn_authorizing_zero_sessions_covers_none() -> None:
    assert sole_reasons(lmn_case(lmn(sessions_authorized=0))) == ["LMN_SESSION_LIMIT_REACHED"]


def test_full_lmn_is_the_reason_when_another_fails_only_on_facility() -> None:
    raw = lmn_case(
        lmn("a", authorized_facilities=["gym-b"]),
        lmn("b", sessions_authorized=0),
        facility="gym-a",
    )
    assert sole_reasons(raw) == ["LMN_SESSION_LIMIT_REACHED"]


def test_lmn_reason_is_the_first_that_holds() -> None:
    # Covering: an unsigned letter and a signed one for another trainer.
    raw = lmn_case(
        lmn("a", signed_on=OMIT),
        lmn("b", authorized_trainers=["t2"], authorized_facilities=["x"]),
        facility="gym-a",
    )
    assert sole_reasons(raw) == ["TRAINER_NOT_AUTHORIZED"]


@pytest.mark.parametrize("kind", ["insurance", "fsa", "hsa"])
def test_insurance_fsa_and_hsa_require_an_lmn_by_default(kind: str) -> None:
    raw = make_case(sources=[ALL_KINDS[kind]()], sessions=[session()], lmns=[])
    assert sole_reasons(raw) == ["LMN_MISSING"]


def test_wellness_does_not_require_an_lmn_by_default() -> None:
    raw = make_case(sources=[wellness()], sessions=[session()], lmns=[])
    assert status(decide(raw)) == "payable"


def test_wellness_that_requires_an_lmn_gets_the_lmn_reason() -> None:
    raw = make_case(sources=[wellness(requires_lmn=True)], sessions=[session()], lmns=[])
    assert sole_reasons(raw) == ["LMN_MISSING"]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_source_that_does_not_require_an_lmn_ignores_the_lmn_reason(kind: str) -> None:
    raw = make_case(sources=[ALL_KINDS[kind](requires_lmn=False)], sessions=[session()], lmns=[])
    assert status(decide(raw)) == "payable"


@pytest.mark.parametrize("kind", ["insurance", "fsa", "hsa"])
def test_requires_lmn_null_takes_the_default(kind: str) -> None:
    raw = make_case(sources=[ALL_KINDS[kind](requires_lmn=None)], sessions=[session()], lmns=[])
    assert sole_reasons(raw) == ["LMN_MISSING"]


def test_lmn_reason_applies_to_every_source_requiring_an_lmn() -> None:
    raw = make_case(
        sources=[insurance(), fsa(), hsa(), wellness(requires_lmn=True)],
        sessions=[session()],
        lmns=[lmn(valid_to="2026-02-01")],
    )
    result = decide(raw)
    assert [d["reasons"] for d in session_result(result)["decisions"]] == [["LMN_EXPIRED"]] * 4


# --------------------------------------------------------------------------- 7 issuer, 8


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_lmn_from_an_issuer_kind_not_accepted_is_not_payable(kind: str) -> None:
    raw = make_case(
        sources=[ALL_KINDS[kind](requires_lmn=True, accepted_issuers=["physician"])],
        sessions=[session()],
        lmns=[lmn(issuer={"kind": "chiropractor"})],
    )
    assert sole_reasons(raw) == ["LMN_ISSUER_NOT_ACCEPTED"]


def test_lmn_from_an_accepted_issuer_kind_is_payable() -> None:
    raw = make_case(
        sources=[insurance(accepted_issuers=["nurse_practitioner", "physician"])],
        sessions=[session()],
        lmns=[lmn(issuer={"kind": "physician"})],
    )
    assert status(decide(raw)) == "payable"


def test_empty_accepted_issuers_accept_any_kind() -> None:
    raw = make_case(
        sources=[insurance(accepted_issuers=[])],
        sessions=[session()],
        lmns=[lmn(issuer={"kind": "physical_therapist"})],
    )
    assert status(decide(raw)) == "payable"


def test_accepted_issuers_do_not_matter_to_a_source_not_requiring_an_lmn() -> None:
    raw = make_case(
        sources=[wellness(accepted_issuers=["physician"])],
        sessions=[session()],
        lmns=[lmn(issuer={"kind": "chiropractor"})],
    )
    assert status(decide(raw)) == "payable"


def test_no_applicable_lmn_gives_the_lmn_reason_not_issuer_not_accepted() -> None:
    raw = make_case(
        sources=[insurance(accepted_issuers=["physician"])],
        sessions=[session()],
        lmns=[lmn(issuer={"kind": "chiropractor"}, signed_on=OMIT)],
    )
    assert sole_reasons(raw) == ["LMN_NOT_SIGNED"]


def test_a_source_rejecting_the_applicable_lmn_does_not_look_for_another() -> None:
    # "a" ends first so it is the applicable LMN; "b" would be accepted.
    raw = make_case(
        sources=[insurance(accepted_issuers=["physician"]), fsa()],
        sessions=[session()],
        lmns=[
            lmn("a", issuer={"kind": "chiropractor"}, valid_to="2026-06-30"),
            lmn("b", issuer={"kind": "physician"}, valid_to="2026-12-31"),
        ],
    )
    result = decide(raw)
    assert session_result(result)["lmn"] == "a"
    assert reasons(result, source="ins1") == ["LMN_ISSUER_NOT_ACCEPTED"]
    assert status(result, source="fsa1") == "payable"


def condition_case(covered: list[str], diagnoses: list[str], **ins: Any) -> dict[str, Any]:
    return make_case(
        sources=[insurance(covered_conditions=covered, **ins)],
        sessions=[session()],
        lmns=[lmn(diagnoses=diagnoses)],
    )


@pytest.mark.parametrize(
    ("covered", "diagnoses", "covered_ok"),
    [
        (["E66"], ["E66.01"], True),
        (["E66.0"], ["E66.01"], True),
        (["E66.01"], ["E66.01"], True),
        (["E11"], ["E66.01"], False),
        (["E66.8"], ["E66.01"], False),
        (["E66.09"], ["E66.01"], False),
        (["E66.01"], ["E66.09"], False),
        (["I25", "E66"], ["E11.9", "E66.811"], True),
        (["E11"], ["E66.01", "E11.9"], True),
        (["E11.6"], ["E11.9"], False),
    ],
)
def test_covered_conditions_match_diagnoses_by_prefix(
    covered: list[str], diagnoses: list[str], covered_ok: bool
) -> None:
    raw = condition_case(covered, diagnoses)
    assert sole_reasons(raw) == ([] if covered_ok else ["CONDITION_NOT_COVERED"])


def test_empty_covered_conditions_cover_any_diagnosis() -> None:
    assert sole_reasons(condition_case([], ["Z96.651"])) == []


def test_covered_conditions_are_not_checked_when_insurance_does_not_require_an_lmn() -> None:
    assert sole_reasons(condition_case(["E11"], ["E66.01"], requires_lmn=False)) == []


def test_covered_conditions_are_not_checked_without_an_applicable_lmn() -> None:
    raw = condition_case(["E11"], ["E66.01"])
    raw["lmns"][0]["valid_to"] = "2026-02-01"
    assert sole_reasons(raw) == ["LMN_EXPIRED"]


def test_condition_is_checked_even_when_the_issuer_is_not_accepted() -> None:
    raw = make_case(
        sources=[insurance(accepted_issuers=["physician"], covered_conditions=["E11"])],
        sessions=[session()],
        lmns=[lmn(issuer={"kind": "chiropractor"}, diagnoses=["E66.01"])],
    )
    assert sole_reasons(raw) == ["LMN_ISSUER_NOT_ACCEPTED", "CONDITION_NOT_COVERED"]


def test_client_conditions_are_informational_only() -> None:
    raw = condition_case(["E11"], ["E66.01"])
    raw["client"]["conditions"] = ["E11.9"]
    assert sole_reasons(raw) == ["CONDITION_NOT_COVERED"]


# --------------------------------------------------------------------------- 9 credentials


def credential_case(date: str, *credentials: dict[str, Any], required: Any = None) -> Any:
    raw = make_case(
        sources=[insurance(required_credentials=required or ["ACSM-CEP", "NASM-CES"])],
        sessions=[session(date=date)],
        trainers=[trainer("t1", credentials=list(credentials))],
    )
    return raw


@pytest.mark.parametrize(
    ("date", "valid"),
    [
        ("2026-02-28", False),  # the day before it was issued
        ("2026-03-01", True),  # the day it was issued
        ("2026-05-31", True),  # the day it expires
        ("2026-06-01", False),  # the day after
    ],
)
def test_credential_is_valid_from_issued_to_expires_inclusive(date: str, valid: bool) -> None:
    raw = credential_case(date, credential("NASM-CES", issued="2026-03-01", expires="2026-05-31"))
    assert sole_reasons(raw) == ([] if valid else ["CREDENTIAL_REQUIRED"])


@pytest.mark.parametrize(("date", "valid"), [("2026-05-31", True), ("2026-06-01", False)])
def test_credential_without_issued_is_valid_until_it_expires(date: str, valid: bool) -> None:
    raw = credential_case(date, credential("ACSM-CEP", issued=OMIT, expires="2026-05-31"))
    raw["lmns"] = [lmn(valid_from="1990-01-01")]
    assert sole_reasons(raw) == ([] if valid else ["CREDENTIAL_REQUIRED"])


def test_credential_with_null_issued_is_valid_until_it_expires() -> None:
    raw = credential_case("2026-03-02", credential("ACSM-CEP", issued=None))
    assert sole_reasons(raw) == []


def test_trainer_holding_only_other_credentials_lacks_the_required_one() -> None:
    raw = credential_case("2026-03-02", credential("ACE-MES"))
    assert sole_reasons(raw) == ["CREDENTIAL_REQUIRED"]


def test_trainer_without_credentials_lacks_the_required_one() -> None:
    raw = credential_case("2026-03-02")
    raw["trainers"] = [trainer("t1")]
    assert sole_reasons(raw) == ["CREDENTIAL_REQUIRED"]


def test_one_valid_credential_among_required_ones_is_enough() -> None:
    raw = credential_case(
        "2026-03-02",
        credential("ACSM-CEP", expires="2026-01-01"),
        credential("NASM-CES", issued="2026-03-02"),
    )
    assert sole_reasons(raw) == []


def test_credentials_do_not_matter_when_none_are_required() -> None:
    raw = credential_case("2026-03-02")
    raw["sources"] = [insurance(required_credentials=[])]
    assert sole_reasons(raw) == []


def test_credential_is_required_even_without_an_lmn_requirement() -> None:
    raw = credential_case("2026-03-02", required=["ACSM-CEP"])
    raw["sources"][0]["requires_lmn"] = False
    assert sole_reasons(raw) == ["CREDENTIAL_REQUIRED"]


# --------------------------------------------------------------------------- 10 preauth


def preauth_case(*preauths: dict[str, Any], **ins: Any) -> dict[str, Any]:
    return make_case(
        sources=[insurance(requires_preauthorization=True, **ins), insurance("ins2")],
        sessions=[session()],
        preauthorizations=list(preauths),
    )


def test_insurance_requiring_preauthorization_without_one_is_not_payable() -> None:
    assert reasons(decide(preauth_case()), source="ins1") == ["PREAUTH_MISSING"]


@pytest.mark.parametrize("state", ["pending", "denied"])
def test_pending_or_denied_preauthorization_does_not_count(state: str) -> None:
    raw = preauth_case(preauth(status=state, approved_sessions=OMIT))
    assert reasons(decide(raw), source="ins1") == ["PREAUTH_MISSING"]


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "covers"),
    [
        ("2026-03-03", "2026-12-31", False),
        ("2026-01-01", "2026-03-01", False),
        ("2026-03-02", "2026-03-02", True),
    ],
)
def test_approved_preauthorization_must_cover_the_date(
    valid_from: str, valid_to: str, covers: bool
) -> None:
    raw = preauth_case(preauth(valid_from=valid_from, valid_to=valid_to))
    result = decide(raw)
    if covers:
        assert decision(result, source="ins1")["preauthorization"] == "pa1"
    else:
        assert reasons(result, source="ins1") == ["PREAUTH_MISSING"]


def test_preauthorization_of_another_insurance_does_not_count() -> None:
    raw = preauth_case(preauth(source="ins2"))
    result = decide(raw)
    assert reasons(result, source="ins1") == ["PREAUTH_MISSING"]
    # ins2 does not require one: it names none even though one is on file.
    assert decision(result, source="ins2")["preauthorization"] is None
    assert result["remaining"]["preauthorizations"] == {"pa1": {"sessions": 10}}


def test_insurance_does_not_require_preauthorization_by_default() -> None:
    raw = make_case(sources=[insurance()], sessions=[session()])
    assert decision(decide(raw))["preauthorization"] is None


def test_preauthorization_with_no_sessions_left_is_a_limit_not_missing() -> None:
    raw = preauth_case(preauth(approved_sessions=0))
    assert reasons(decide(raw), source="ins1") == ["PREAUTH_LIMIT_REACHED"]


# --------------------------------------------------------------------------- all reasons


def test_every_reason_is_listed_together_in_order() -> None:
    raw = make_case(
        as_of="2027-06-30",
        sources=[
            insurance(
                period={"start": "2026-04-01", "end": "2026-12-31"},
                timely_filing_days=30,
                covers_training=False,
                covered_codes=["S9451"],
                required_credentials=["ACSM-CEP"],
                requires_preauthorization=True,
            )
        ],
        sessions=[session(charge="100.00", paid="50.00", receipt=False)],
        lmns=[lmn(valid_to="2026-03-01")],
    )
    assert sole_reasons(raw) == [
        "NOT_PAID_IN_FULL",
        "RECEIPT_MISSING",
        "OUTSIDE_COVERAGE_PERIOD",
        "CLAIM_DEADLINE_PASSED",
        "SOURCE_EXCLUDES_TRAINING",
        "SERVICE_NOT_COVERED",
        "LMN_EXPIRED",
        "CREDENTIAL_REQUIRED",
        "PREAUTH_MISSING",
    ]


def test_every_reason_with_an_applicable_lmn_is_listed_together_in_order() -> None:
    raw = make_case(
        as_of="2027-06-30",
        sources=[
            insurance(
                period={"start": "2026-04-01", "end": "2026-12-31"},
                timely_filing_days=30,
                covers_training=False,
                covered_codes=["S9451"],
                accepted_issuers=["physician"],
                covered_conditions=["E11"],
                required_credentials=["ACSM-CEP"],
                requires_preauthorization=True,
            )
        ],
        sessions=[session(charge="100.00", paid="50.00", receipt=False)],
        lmns=[lmn(issuer={"kind": "chiropractor"})],
    )
    assert sole_reasons(raw) == [
        "NOT_PAID_IN_FULL",
        "RECEIPT_MISSING",
        "OUTSIDE_COVERAGE_PERIOD",
        "CLAIM_DEADLINE_PASSED",
        "SOURCE_EXCLUDES_TRAINING",
        "SERVICE_NOT_COVERED",
        "LMN_ISSUER_NOT_ACCEPTED",
        "CONDITION_NOT_COVERED",
        "CREDENTIAL_REQUIRED",
        "PREAUTH_MISSING",
    ]


def test_every_fsa_reason_is_listed_together_in_order() -> None:
    raw = make_case(
        as_of="2027-04-01",
        sources=[
            fsa(limited_purpose=True, covered_codes=["S9451"], accepted_issuers=["physician"])
        ],
        sessions=[session(date="2025-12-31", paid="0.00", receipt=False)],
        lmns=[lmn(valid_from="2025-01-01", issuer={"kind": "chiropractor"})],
    )
    assert sole_reasons(raw) == [
        "NOT_PAID_IN_FULL",
        "RECEIPT_MISSING",
        "OUTSIDE_COVERAGE_PERIOD",
        "CLAIM_DEADLINE_PASSED",
        "SOURCE_EXCLUDES_TRAINING",
        "SERVICE_NOT_COVERED",
        "LMN_ISSUER_NOT_ACCEPTED",
    ]


def test_ineligible_decision_has_only_source_status_and_reasons() -> None:
    raw = one(fsa(), receipt=False)
    assert decision(decide(raw)) == {
        "source": "fsa1",
        "status": "ineligible",
        "reasons": ["RECEIPT_MISSING"],
    }


def test_limits_are_not_checked_when_a_reason_holds() -> None:
    raw = make_case(
        sources=[
            insurance(session_limit=0, requires_preauthorization=True),
            fsa(election="0.00"),
        ],
        sessions=[session(receipt=False)],
        preauthorizations=[preauth(approved_sessions=0)],
    )
    result = decide(raw)
    assert reasons(result, source="ins1") == ["RECEIPT_MISSING"]
    assert reasons(result, source="fsa1") == ["RECEIPT_MISSING"]


# --------------------------------------------------------------------------- LMN selection


def test_applicable_lmn_is_the_one_ending_first() -> None:
    raw = make_case(
        sources=[fsa()],
        sessions=[session()],
        lmns=[lmn("a", valid_to="2026-12-31"), lmn("b", valid_to="2026-06-30")],
    )
    assert session_result(decide(raw))["lmn"] == "b"


def test_lmns_ending_the_same_day_are_chosen_by_id_in_code_point_order() -> None:
    raw = make_case(
        sources=[fsa()],
        sessions=[session()],
        lmns=[lmn("lmn9"), lmn("lmn10"), lmn("lmnA"), lmn("Lmn")],
    )
    assert session_result(decide(raw))["lmn"] == "Lmn"
    raw["lmns"] = [lmn("lmn9"), lmn("lmn10")]
    assert session_result(decide(raw))["lmn"] == "lmn10"


def test_lmn_is_attributed_even_when_no_source_pays() -> None:
    raw = make_case(
        sources=[fsa(), insurance()],
        sessions=[session(receipt=False)],
        lmns=[lmn(sessions_authorized=5)],
    )
    result = decide(raw)
    assert session_result(result)["lmn"] == "lmn1"
    assert result["remaining"]["lmns"] == {"lmn1": {"sessions": 4}}


def test_lmn_is_attributed_even_with_no_sources() -> None:
    raw = make_case(sessions=[session()], lmns=[lmn(sessions_authorized=5)])
    result = decide(raw)
    assert session_result(result)["lmn"] == "lmn1"
    assert session_result(result)["decisions"] == []
    assert result["remaining"]["lmns"] == {"lmn1": {"sessions": 4}}


def test_lmn_is_attributed_even_when_no_source_requires_one() -> None:
    raw = make_case(sources=[wellness()], sessions=[session()], lmns=[lmn(sessions_authorized=1)])
    raw["sessions"].append(session("s2", date="2026-03-03"))
    result = decide(raw)
    assert session_result(result, "s1")["lmn"] == "lmn1"
    assert session_result(result, "s2")["lmn"] is None
    assert status(result, "s2") == "payable"


def test_a_full_lmn_hands_over_to_the_next_candidate() -> None:
    raw = make_case(
        sources=[fsa()],
        sessions=[
            session("s1"),
            session("s2", date="2026-03-09"),
            session("s3", date="2026-03-16"),
        ],
        lmns=[lmn("a", valid_to="2026-06-30", sessions_authorized=2), lmn("b")],
    )
    result = decide(raw)
    assert [session_result(result, s)["lmn"] for s in ("s1", "s2", "s3")] == ["a", "a", "b"]
    assert result["remaining"]["lmns"] == {"a": {"sessions": 0}, "b": {"sessions": None}}


def test_lmns_are_attributed_in_session_date_order_not_input_order() -> None:
    raw = make_case(
        sources=[fsa()],
        sessions=[session("s1", date="2026-03-09"), session("s2", date="2026-03-02")],
        lmns=[lmn(sessions_authorized=1)],
    )
    result = decide(raw)
    assert session_result(result, "s2")["lmn"] == "lmn1"
    assert reasons(result, "s1") == ["LMN_SESSION_LIMIT_REACHED"]


def test_remaining_lmns_lists_every_lmn_with_null_when_unlimited() -> None:
    raw = make_case(
        sessions=[session()],
        lmns=[
            lmn("a", sessions_authorized=3),
            lmn("b", signed_on=OMIT, sessions_authorized=2),
            lmn("c"),
        ],
    )
    result = decide(raw)
    assert result["remaining"]["lmns"] == {
        "a": {"sessions": 2},
        "b": {"sessions": 2},
        "c": {"sessions": None},
    }


# --------------------------------------------------------------------------- order


def order(result: dict[str, Any], session_id: str = "s1") -> list[str]:
    return [d["source"] for d in session_result(result, session_id)["decisions"]]


def test_default_priority_is_wellness_then_fsa_then_hsa_after_insurance() -> None:
    raw = make_case(
        sources=[hsa("a-hsa"), fsa("b-fsa"), wellness("z-well"), insurance("y-ins")],
        sessions=[session()],
    )
    assert order(decide(raw)) == ["y-ins", "z-well", "b-fsa", "a-hsa"]


def test_default_priority_orders_a_kind_by_id_in_code_point_order() -> None:
    raw = make_case(
        sources=[fsa("f9"), fsa("f10"), fsa("F2"), wellness("w9"), wellness("w10")],
        sessions=[session()],
    )
    assert order(decide(raw)) == ["w10", "w9", "F2", "f10", "f9"]


def test_first_source_in_the_default_priority_pays_first() -> None:
    raw = make_case(sources=[fsa("f9"), fsa("f10")], sessions=[session()])
    result = decide(raw)
    assert decision(result, source="f10")["amount"] == "100.00"
    assert decision(result, source="f9") == {"source": "f9", "status": "not_needed"}


def test_insurance_sources_come_first_in_input_order() -> None:
    raw = make_case(
        sources=[wellness(), insurance("b"), fsa(), insurance("a")],
        sessions=[session()],
    )
    assert order(decide(raw)) == ["b", "a", "well1", "fsa1"]


def test_explicit_priority_orders_the_non_insurance_sources() -> None:
    raw = make_case(
        sources=[wellness(), fsa(), hsa(), insurance(coinsurance="0.50")],
        sessions=[session()],
        priority=["hsa1", "fsa1", "well1"],
    )
    result = decide(raw)
    assert order(result) == ["ins1", "hsa1", "fsa1", "well1"]
    assert [d.get("amount") for d in session_result(result)["decisions"]] == [
        "50.00",
        "50.00",
        None,
        None,
    ]


def test_priority_null_takes_the_default() -> None:
    raw = make_case(sources=[fsa(), wellness()], sessions=[session()], priority=None)
    assert order(decide(raw)) == ["well1", "fsa1"]


def test_remaining_and_totals_list_every_source() -> None:
    raw = make_case(sources=[hsa(), insurance(), fsa(), wellness()], sessions=[])
    result = decide(raw)
    assert set(result["totals"]["by_source"]) == {"ins1", "fsa1", "hsa1", "well1"}
    assert set(result["remaining"]["sources"]) == {"ins1", "fsa1", "hsa1", "well1"}


# --------------------------------------------------------------------------- sessions


def test_future_session_is_excluded_with_exactly_id_date_and_excluded() -> None:
    raw = make_case(sources=[fsa()], sessions=[session(date="2026-07-01")])
    result = decide(raw)
    assert result["sessions"] == [{"id": "s1", "date": "2026-07-01", "excluded": "FUTURE_SESSION"}]


def test_session_on_the_as_of_day_is_included() -> None:
    raw = make_case(sources=[fsa()], sessions=[session(date="2026-06-30")])
    assert status(decide(raw)) == "payable"


def test_future_sessions_count_toward_nothing() -> None:
    past = session("s1", date="2026-03-02")
    future = session(
        "s2",
        date="2026-08-03",
        settled=[settled_entry("ins1", "10.00", deductible="10.00"), settled_entry("fsa1", "5.00")],
    )
    raw = make_case(
        sources=[
            insurance(requires_preauthorization=True, session_limit=3, deductible="50.00"),
            fsa(election="200.00"),
        ],
        sessions=[future, past],
        lmns=[lmn(sessions_authorized=4)],
        preauthorizations=[preauth(approved_sessions=4)],
    )
    with_future = decide(raw)
    raw["sessions"] = [past]
    without = decide(raw)
    assert with_future["sessions"][1] == {
        "id": "s2",
        "date": "2026-08-03",
        "excluded": "FUTURE_SESSION",
    }
    assert with_future["sessions"][0] == without["sessions"][0]
    for key in ("totals", "remaining", "actions"):
        assert with_future[key] == without[key]
    assert with_future["remaining"]["sources"]["ins1"] == {"deductible": "0.00", "sessions": 2}
    assert with_future["remaining"]["lmns"] == {"lmn1": {"sessions": 3}}
    assert with_future["remaining"]["preauthorizations"] == {"pa1": {"sessions": 3}}
    assert with_future["totals"]["paid"] == "100.00"


def settled_entry(source: str, amount: str, **fields: Any) -> dict[str, Any]:
    return {"source": source, "amount": amount, **fields}


def test_sessions_are_reported_by_date_then_id_in_code_point_order() -> None:
    raw = make_case(
        sources=[fsa()],
        sessions=[
            session("s9", date="2026-03-02"),
            session("late", date="2026-09-01"),
            session("s10", date="2026-03-02"),
            session("s1", date="2026-04-01"),
            session("a", date="2026-02-01"),
        ],
    )
    result = decide(raw)
    assert [s["id"] for s in result["sessions"]] == ["a", "s10", "s9", "s1", "late"]


def test_included_session_has_exactly_its_fields() -> None:
    raw = make_case(sources=[fsa()], sessions=[session(charge="80.00")])
    assert session_result(decide(raw)) == {
        "id": "s1",
        "date": "2026-03-02",
        "paid": "80.00",
        "lmn": "lmn1",
        "decisions": [
            {"source": "fsa1", "status": "payable", "amount": "80.00", "claim_by": "2027-03-31"}
        ],
        "out_of_pocket": "0.00",
        "hsa_deferred": "0.00",
    }


def test_result_top_level_echoes_as_of_and_client_id() -> None:
    result = decide(make_case(client={"id": "client-7", "name": "Dana"}))
    assert result == {
        "as_of": "2026-06-30",
        "client": "client-7",
        "sessions": [],
        "totals": {
            "paid": "0.00",
            "by_source": {},
            "out_of_pocket": "0.00",
            "hsa_deferred": "0.00",
        },
        "remaining": {"sources": {}, "lmns": {"lmn1": {"sessions": None}}, "preauthorizations": {}},
        "actions": [],
    }


def test_a_case_with_only_as_of_and_client_is_valid() -> None:
    result = decide({"as_of": "2026-06-30", "client": {"id": "c1"}})
    assert result["sessions"] == []
    assert result["remaining"] == {"sources": {}, "lmns": {}, "preauthorizations": {}}


# --------------------------------------------------------------------------- actions


def test_actions_list_fixable_codes_with_the_sessions_they_appear_in() -> None:
    raw = make_case(
        sources=[fsa()],
        sessions=[
            session("s4", date="2026-03-04", receipt=False),
            session("s5", date="2026-03-05", receipt=False),
            session("s6", date="2026-03-06"),
        ],
    )
    assert decide(raw)["actions"] == [{"code": "RECEIPT_MISSING", "sessions": ["s4", "s5"]}]


def test_actions_leave_out_codes_that_are_not_fixable() -> None:
    raw = make_case(
        as_of="2027-06-30",
        sources=[
            insurance(
                period={"start": "2026-04-01", "end": "2026-12-31"},
                timely_filing_days=30,
                covers_training=False,
                covered_codes=["S9451"],
                covered_conditions=["E11"],
            )
        ],
        sessions=[session()],
    )
    result = decide(raw)
    assert reasons(result) == [
        "OUTSIDE_COVERAGE_PERIOD",
        "CLAIM_DEADLINE_PASSED",
        "SOURCE_EXCLUDES_TRAINING",
        "SERVICE_NOT_COVERED",
        "CONDITION_NOT_COVERED",
    ]
    assert result["actions"] == []


def test_actions_leave_out_session_limit_and_funds_exhausted() -> None:
    raw = make_case(
        sources=[insurance(session_limit=0), fsa(election="0.00")],
        sessions=[session()],
    )
    result = decide(raw)
    assert reasons(result, source="ins1") == ["SESSION_LIMIT_REACHED"]
    assert reasons(result, source="fsa1") == ["FUNDS_EXHAUSTED"]
    assert result["actions"] == []


def test_actions_list_a_session_once_even_when_several_sources_give_the_code() -> None:
    raw = make_case(sources=[insurance(), fsa(), hsa()], sessions=[session(receipt=False)])
    assert decide(raw)["actions"] == [{"code": "RECEIPT_MISSING", "sessions": ["s1"]}]


def test_actions_include_sessions_another_source_paid() -> None:
    raw = make_case(
        sources=[insurance(required_credentials=["ACSM-CEP"]), fsa()],
        sessions=[session()],
    )
    result = decide(raw)
    assert status(result, source="fsa1") == "payable"
    assert result["actions"] == [{"code": "CREDENTIAL_REQUIRED", "sessions": ["s1"]}]


def test_actions_list_sessions_in_session_order() -> None:
    raw = make_case(
        sources=[fsa()],
        sessions=[
            session("s9", date="2026-03-09", receipt=False),
            session("s10", date="2026-03-09", receipt=False),
            session("s1", date="2026-04-01", receipt=False),
            session("s2", date="2026-01-05", receipt=False),
        ],
    )
    assert decide(raw)["actions"] == [
        {"code": "RECEIPT_MISSING", "sessions": ["s2", "s10", "s9", "s1"]}
    ]


def test_actions_are_ordered_by_the_list_of_codes() -> None:
    raw = make_case(
        sources=[
            insurance(required_credentials=["ACSM-CEP"], requires_preauthorization=True),
            fsa(accepted_issuers=["physician"]),
        ],
        trainers=[trainer("t1"), trainer("t2")],
        sessions=[
            session("s1", date="2026-03-02", facility="gym-b"),
            session("s2", date="2026-03-03", facility="gym-a", trainer="t2"),
            session("s3", date="2026-03-04", facility="gym-a", paid="10.00"),
            session("s4", date="2026-03-05", facility="gym-a", receipt=False),
            session("s5", date="2026-07-05", facility="gym-a"),
        ],
        lmns=[
            lmn(
                "a",
                authorized_trainers=["t1"],
                authorized_facilities=["gym-a"],
                issuer={"kind": "chiropractor"},
            ),
        ],
        as_of="2026-12-31",
    )
    result = decide(raw)
    codes = [a["code"] for a in result["actions"]]
    assert codes == [
        "NOT_PAID_IN_FULL",
        "RECEIPT_MISSING",
        "TRAINER_NOT_AUTHORIZED",
        "FACILITY_NOT_AUTHORIZED",
        "LMN_ISSUER_NOT_ACCEPTED",
        "CREDENTIAL_REQUIRED",
        "PREAUTH_MISSING",
    ]
    by_code = {a["code"]: a["sessions"] for a in result["actions"]}
    assert by_code["FACILITY_NOT_AUTHORIZED"] == ["s1"]
    assert by_code["TRAINER_NOT_AUTHORIZED"] == ["s2"]
    assert by_code["NOT_PAID_IN_FULL"] == ["s3"]
    assert by_code["RECEIPT_MISSING"] == ["s4"]
    # Every session without another blocking reason hits the fsa's issuer rule.
    assert by_code["LMN_ISSUER_NOT_ACCEPTED"] == ["s3", "s4", "s5"]
    assert by_code["CREDENTIAL_REQUIRED"] == ["s1", "s2", "s3", "s4", "s5"]


@pytest.mark.parametrize(
    ("lmns", "code"),
    [
        ([], "LMN_MISSING"),
        ([{"valid_to": "2026-02-01"}], "LMN_EXPIRED"),
        ([{"signed_on": OMIT}], "LMN_NOT_SIGNED"),
        ([{"sessions_authorized": 0}], "LMN_SESSION_LIMIT_REACHED"),
    ],
)
def test_lmn_reasons_are_fixable_actions(lmns: list[dict[str, Any]], code: str) -> None:
    raw = make_case(sources=[fsa()], sessions=[session()], lmns=[lmn(**x) for x in lmns])
    assert decide(raw)["actions"] == [{"code": code, "sessions": ["s1"]}]


def test_preauth_limit_reached_is_a_fixable_action() -> None:
    raw = make_case(
        sources=[insurance(requires_preauthorization=True)],
        sessions=[session()],
        preauthorizations=[preauth(approved_sessions=0)],
    )
    assert decide(raw)["actions"] == [{"code": "PREAUTH_LIMIT_REACHED", "sessions": ["s1"]}]


def test_settled_and_future_sessions_give_no_actions() -> None:
    raw = make_case(
        sources=[fsa()],
        sessions=[
            session("s1", receipt=False, settled=[settled_entry("fsa1", "100.00")]),
            session("s2", date="2026-12-01", receipt=False),
        ],
    )
    assert decide(raw)["actions"] == []


# --------------------------------------------------------------------------- defaults


def test_optional_fields_given_as_null_take_their_defaults() -> None:
    nulls = {
        "insurance": [
            "name",
            "covers_training",
            "requires_lmn",
            "requires_preauthorization",
            "accepted_issuers",
            "covered_conditions",
            "covered_codes",
            "required_credentials",
            "allowed_per_session",
            "deductible",
            "deductible_met",
            "copay",
            "coinsurance",
            "session_limit",
            "sessions_used",
            "timely_filing_days",
        ],
        "fsa": [
            "name",
            "grace_period_days",
            "runout_days",
            "used",
            "limited_purpose",
            "requires_lmn",
            "accepted_issuers",
            "covered_codes",
        ],
        "hsa": ["name", "requires_lmn", "accepted_issuers", "covered_codes"],
        "wellness": [
            "name",
            "claim_deadline_days",
            "rate",
            "used",
            "requires_lmn",
            "accepted_issuers",
            "covered_codes",
        ],
    }

    def build(with_nulls: bool) -> dict[str, Any]:
        sources = []
        for kind, keys in nulls.items():
            extra = dict.fromkeys(keys) if with_nulls else {}
            sources.append(ALL_KINDS[kind](**extra))
        optional_session = {"facility": None, "units": None, "settled": None}
        optional_lmn = {
            "plan": None,
            "sessions_authorized": None,
            "authorized_trainers": None,
            "authorized_facilities": None,
        }
        optional_trainer = {"name": None, "npi": None, "credentials": None}
        optional_case = {"priority": None, "strategy": None, "preauthorizations": None}
        optional_client = {"name": None, "birth_date": None, "conditions": None}
        raw = make_case(
            sources=sources,
            sessions=[
                session("s1", **(optional_session if with_nulls else {})),
                session("s2", date="2026-04-01", **(optional_session if with_nulls else {})),
            ],
            lmns=[lmn(**(optional_lmn if with_nulls else {}))],
            trainers=[trainer(**(optional_trainer if with_nulls else {}))],
            **(optional_case if with_nulls else {}),
        )
        if with_nulls:
            raw["client"].update(optional_client)
            raw["lmns"][0]["issuer"].update({"name": None, "npi": None})
        return raw

    assert decide(build(True)) == decide(build(False))


def test_insurance_defaults_pay_the_full_charge_and_claim_within_365_days() -> None:
    result = decide(one(insurance(), charge="85.00"))
    assert decision(result) == {
        "source": "ins1",
        "status": "payable",
        "amount": "85.00",
        "claim_by": "2027-03-02",
        "preauthorization": None,
    }
    assert result["remaining"]["sources"]["ins1"] == {"deductible": "0.00", "sessions": None}


def test_fsa_defaults_allow_claims_until_90_days_after_the_period() -> None:
    result = decide(one(fsa(election="500.00"), charge="85.00"))
    assert decision(result)["claim_by"] == "2027-03-31"
    assert result["remaining"]["sources"]["fsa1"] == {"funds": "415.00"}


def test_wellness_defaults_pay_at_rate_one_and_allow_90_days() -> None:
    result = decide(one(wellness(annual_cap="500.00"), charge="85.00"))
    assert decision(result) == {
        "source": "well1",
        "status": "payable",
        "amount": "85.00",
        "claim_by": "2027-03-31",
    }
    assert result["remaining"]["sources"]["well1"] == {"funds": "415.00"}


def test_units_are_informational() -> None:
    assert decide(one(fsa(), units=1)) == decide(one(fsa(), units=4))


def test_informational_fields_change_nothing() -> None:
    plain = one(insurance())
    rich = one(insurance(name="Acme PPO"))
    rich["client"].update({"name": "Dana", "birth_date": "1971-04-09", "conditions": ["E11.9"]})
    rich["trainers"] = [trainer(name="Sam", npi="1245319599")]
    rich["lmns"] = [lmn(plan="2x/week", issuer={"kind": "physician", "name": "Dr. Lee"})]
    assert decide(plain) == decide(rich)


def test_reason_order_is_the_published_code_list() -> None:
    from fitclaim.domain.reasons import FIXABLE, REASON_ORDER

    assert [str(r) for r in REASON_ORDER] == [
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
    ]
    assert {str(r) for r in FIXABLE} == {
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
