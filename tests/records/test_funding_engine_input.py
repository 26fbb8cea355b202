"""The bridge to the engine: a stored source becomes exactly ENGINE.md's source
object, every field of its kind present, and back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fitclaim.funding.models import KIND_SPECS, FundingSource
from fitclaim.funding.selectors import funding_source_engine_input
from fitclaim.funding.services import funding_source_create, funding_source_create_from_engine_input

from .conftest import World

# Every field of every kind set to something other than its default, so a
# field that is dropped or mangled on the way shows.
ENGINE_SOURCES = {
    "insurance": {
        "kind": "insurance",
        "name": "Acme Health PPO",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "covers_training": False,
        "requires_lmn": False,
        "requires_preauthorization": True,
        "accepted_issuers": ["physician", "nurse_practitioner", "physician_assistant"],
        "covered_conditions": ["E66", "E11", "I25.10"],
        "covered_codes": ["S9451", "97110"],
        "required_credentials": ["ACSM-CEP", "NASM-CES"],
        "allowed_per_session": "70.00",
        "deductible": "500.00",
        "deductible_met": "120.50",
        "copay": "20.00",
        "coinsurance": "0.2",
        "session_limit": 30,
        "sessions_used": 4,
        "timely_filing_days": 180,
    },
    "fsa": {
        "kind": "fsa",
        "name": "Employer health FSA 2026",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "election": "2000.00",
        "grace_period_days": 75,
        "runout_days": 60,
        "used": "150.25",
        "limited_purpose": True,
        "requires_lmn": False,
        "accepted_issuers": ["chiropractor"],
        "covered_codes": ["S9451"],
    },
    "hsa": {
        "kind": "hsa",
        "name": "HSA",
        "established": "2025-03-01",
        "balance": "1500.00",
        "requires_lmn": False,
        "accepted_issuers": ["physical_therapist"],
        "covered_codes": ["97110"],
    },
    "wellness": {
        "kind": "wellness",
        "name": "Employer wellness fitness benefit",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "annual_cap": "300.00",
        "claim_deadline_days": 60,
        "rate": "0.5",
        "used": "10.00",
        "requires_lmn": True,
        "accepted_issuers": ["physician"],
        "covered_codes": ["S9451"],
    },
}

# ENGINE.md's defaults for each kind, for a source given only its required fields.
DEFAULTS = {
    "insurance": {
        "covers_training": True,
        "requires_lmn": True,
        "requires_preauthorization": False,
        "accepted_issuers": [],
        "covered_conditions": [],
        "covered_codes": [],
        "required_credentials": [],
        "allowed_per_session": None,
        "deductible": "0.00",
        "deductible_met": "0.00",
        "copay": "0.00",
        "coinsurance": "0",
        "session_limit": None,
        "sessions_used": 0,
        "timely_filing_days": 365,
    },
    "fsa": {
        "grace_period_days": 0,
        "runout_days": 90,
        "used": "0.00",
        "limited_purpose": False,
        "requires_lmn": True,
        "accepted_issuers": [],
        "covered_codes": [],
    },
    "hsa": {"requires_lmn": True, "accepted_issuers": [], "covered_codes": []},
    "wellness": {
        "claim_deadline_days": 90,
        "rate": "1",
        "used": "0.00",
        "requires_lmn": False,
        "accepted_issuers": [],
        "covered_codes": [],
    },
}


@pytest.mark.parametrize("kind", list(ENGINE_SOURCES))
def test_every_field_round_trips(world: World, kind: str) -> None:
    data = ENGINE_SOURCES[kind]
    source = funding_source_create_from_engine_input(
        by=world["admin"].actor(), client=world.marcus, data=data
    )
    source = FundingSource.objects.get(pk=source.pk)  # as stored, not as given
    assert funding_source_engine_input(source) == {"id": f"src-{source.pk}", **data}


@pytest.mark.parametrize("kind", list(ENGINE_SOURCES))
def test_the_round_trip_covers_every_field_of_the_kind(kind: str) -> None:
    keys = set(ENGINE_SOURCES[kind]) - {"kind", "name", "period"}
    fields = set(KIND_SPECS[kind].fields) - {"period_start", "period_end"}
    assert keys == fields


REQUIRED = {
    "insurance": {"period_start": "2026-01-01", "period_end": "2026-12-31"},
    "fsa": {"period_start": "2026-01-01", "period_end": "2026-12-31", "election": "2000.00"},
    "hsa": {"established": "2025-03-01", "balance": "1500.00"},
    "wellness": {"period_start": "2026-01-01", "period_end": "2026-12-31", "annual_cap": "300.00"},
}


@pytest.mark.parametrize("kind", list(REQUIRED))
def test_omitted_fields_get_the_engine_defaults_and_are_written_out(
    world: World, kind: str
) -> None:
    data = {
        key: (
            dt.date.fromisoformat(value)
            if key in ("period_start", "period_end", "established")
            else Decimal(value)
        )
        for key, value in REQUIRED[kind].items()
    }
    source = funding_source_create(
        by=world["admin"].actor(), client=world.marcus, kind=kind, data={"name": "S", **data}
    )
    engine = funding_source_engine_input(FundingSource.objects.get(pk=source.pk))
    for key, default in DEFAULTS[kind].items():
        assert engine[key] == default, key


@pytest.mark.parametrize("kind", list(ENGINE_SOURCES))
def test_the_engine_accepts_the_source(world: World, kind: str) -> None:
    case_checks = pytest.importorskip("fitclaim.domain.case_checks")
    source = funding_source_create_from_engine_input(
        by=world["admin"].actor(), client=world.marcus, data=ENGINE_SOURCES[kind]
    )
    case = {
        "as_of": "2026-07-31",
        "client": {"id": "c1"},
        "sources": [funding_source_engine_input(source)],
    }
    assert case_checks.case_problems(case) == []


def test_money_is_written_with_cents(world: World) -> None:
    source = FundingSource.objects.get(pk=world.dana_fsa.pk)
    engine = funding_source_engine_input(source)
    assert (engine["election"], engine["used"]) == ("2000.00", "0.00")
