"""The funding source rules, one at a time, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fitclaim.funding.models import KIND_SPECS
from fitclaim.funding.rules import Sibling, funding_source_problems, normalize_list


def fsa(**changes: object) -> dict[str, object]:
    values = {
        **KIND_SPECS["fsa"].defaults,
        "name": "FSA",
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "election": Decimal("2000.00"),
    }
    return {**values, **changes}


def insurance(**changes: object) -> dict[str, object]:
    values = {
        **KIND_SPECS["insurance"].defaults,
        "name": "PPO",
        "order": 1,
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
    }
    return {**values, **changes}


def test_a_complete_fsa_has_no_problem() -> None:
    assert funding_source_problems("fsa", fsa()) == {}


def test_each_kind_requires_its_own_fields() -> None:
    assert set(funding_source_problems("hsa", {"name": "HSA"})) == {"established", "balance"}
    assert set(funding_source_problems("wellness", {"name": "W"})) == {
        "period_start",
        "period_end",
        "annual_cap",
    }


def test_a_period_ending_before_it_starts_is_reported_on_its_end() -> None:
    problems = funding_source_problems("fsa", fsa(period_end=dt.date(2025, 12, 31)))
    assert list(problems) == ["period_end"]


def test_fsa_used_above_the_election_is_reported_on_used() -> None:
    assert list(funding_source_problems("fsa", fsa(used=Decimal("2000.01")))) == ["used"]


def test_used_equal_to_the_election_is_fine() -> None:
    assert funding_source_problems("fsa", fsa(used=Decimal("2000.00"))) == {}


def test_wellness_used_above_the_cap_is_reported_on_used() -> None:
    values = {
        **KIND_SPECS["wellness"].defaults,
        "name": "W",
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "annual_cap": Decimal("300.00"),
        "used": Decimal("300.50"),
    }
    assert list(funding_source_problems("wellness", values)) == ["used"]


def test_deductible_met_above_the_deductible_is_reported_on_deductible_met() -> None:
    values = insurance(deductible=Decimal("500.00"), deductible_met=Decimal("600.00"))
    assert list(funding_source_problems("insurance", values)) == ["deductible_met"]


def test_rates_lie_between_zero_and_one() -> None:
    assert list(funding_source_problems("insurance", insurance(coinsurance=Decimal("1.2")))) == [
        "coinsurance"
    ]
    assert funding_source_problems("insurance", insurance(coinsurance=Decimal("1"))) == {}


def test_counts_and_money_are_never_negative() -> None:
    problems = funding_source_problems(
        "insurance", insurance(sessions_used=-1, copay=Decimal("-5.00"))
    )
    assert set(problems) == {"sessions_used", "copay"}


def test_days_are_at_most_a_hundred_years() -> None:
    assert list(funding_source_problems("fsa", fsa(runout_days=36501))) == ["runout_days"]


def test_a_deadline_past_the_calendar_is_refused() -> None:
    values = fsa(period_start=dt.date(9999, 1, 1), period_end=dt.date(9999, 12, 1), runout_days=90)
    assert list(funding_source_problems("fsa", values)) == ["runout_days"]


def test_accepted_issuers_are_provider_kinds() -> None:
    problems = funding_source_problems("fsa", fsa(accepted_issuers=["physician", "surgeon"]))
    assert problems["accepted_issuers"][0].startswith("not a provider kind: surgeon")


def test_covered_conditions_are_icd10_categories_or_codes() -> None:
    assert (
        funding_source_problems(
            "insurance", insurance(covered_conditions=["E66", "E11.9", "M54.5"])
        )
        == {}
    )
    problems = funding_source_problems("insurance", insurance(covered_conditions=["E6", "E66.X9"]))
    assert len(problems["covered_conditions"]) == 2


def test_a_second_hsa_is_refused_on_kind() -> None:
    values = {
        **KIND_SPECS["hsa"].defaults,
        "name": "HSA",
        "established": dt.date(2025, 1, 1),
        "balance": Decimal(1),
    }
    assert funding_source_problems("hsa", values, siblings=[Sibling(1, "fsa", None)]) == {}
    assert list(funding_source_problems("hsa", values, siblings=[Sibling(1, "hsa", None)])) == [
        "kind"
    ]


def test_two_insurance_plans_cannot_share_an_order() -> None:
    problems = funding_source_problems(
        "insurance", insurance(order=1), siblings=[Sibling(1, "insurance", 1)]
    )
    assert list(problems) == ["order"]
    assert (
        funding_source_problems(
            "insurance", insurance(order=2), siblings=[Sibling(1, "insurance", 1)]
        )
        == {}
    )


def test_lists_are_normalized_from_text() -> None:
    assert normalize_list("covered_codes", " s9451, 97110;97110 ") == ["S9451", "97110"]
    assert normalize_list("accepted_issuers", ["Physician", "physician"]) == ["physician"]
