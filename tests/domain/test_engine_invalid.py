"""Invalid cases (shared/ENGINE.md, Conventions, "The fields" and Errors): every
problem is reported, each on a line that starts with its exact JSON path.

The starting point is the ENGINE.md example (sources[0] insurance, [1] fsa,
[2] hsa, [3] wellness; sessions s1 and s9), broken one way at a time.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fitclaim.domain.case_checks import InvalidCase
from fitclaim.domain.engine import adjudicate
from tests.domain.casekit import case as make_case
from tests.domain.casekit import decide, fsa, insurance, problem_paths, problems, session

EXAMPLE = json.loads(
    (Path(__file__).with_name("cases") / "engine_md_example.case.json").read_text()
)
PATH_RE = re.compile(r"^(\$|[a-z_]+(\[\d+\]|\.[a-z_]+)*): \S")


def example() -> dict[str, Any]:
    raw = copy.deepcopy(EXAMPLE)
    raw["sessions"][0]["settled"] = [{"source": "ins1", "amount": "10.00", "deductible": "5.00"}]
    return raw


def parse_path(path: str) -> list[str | int]:
    """'sessions[0].settled[1].source' -> ['sessions', 0, 'settled', 1, 'source']."""
    parts: list[str | int] = []
    for name, index in re.findall(r"([a-z_]+)|\[(\d+)\]", path):
        parts.append(name if name else int(index))
    return parts


def set_at(raw: Any, path: str, value: Any) -> dict[str, Any]:
    *parents, last = parse_path(path)
    target = raw
    for part in parents:
        target = target[part]
    target[last] = value
    return raw


def delete_at(raw: Any, path: str) -> dict[str, Any]:
    *parents, last = parse_path(path)
    target = raw
    for part in parents:
        target = target[part]
    del target[last]
    return raw


def with_value(path: str, value: Any) -> dict[str, Any]:
    return set_at(example(), path, value)


def assert_only_problem_at(raw: Any, path: str) -> list[str]:
    """The case is invalid and every problem is at `path`."""
    lines = problems(raw)
    assert [line.split(": ", 1)[0] for line in lines] == [path] * len(lines), lines
    return lines


def test_the_starting_case_is_valid() -> None:
    adjudicate(example())


def test_every_problem_line_starts_with_a_json_path_and_a_colon() -> None:
    raw = example()
    raw["sessions"][1]["reciept"] = True
    raw["sources"][0]["period"]["end"] = "2025-12-31"
    raw["lmns"][0]["issuer"]["npi"] = "123"
    for line in problems(raw):
        assert PATH_RE.match(line), line


# --------------------------------------------------------------------------- unknown keys


def test_unknown_key_is_reported_at_its_path() -> None:
    raw = example()
    raw["sessions"][1]["reciept"] = True
    assert problems(raw) == ["sessions[1].reciept: unknown key"]


@pytest.mark.parametrize(
    "path",
    [
        "notes",
        "client.email",
        "trainers[0].email",
        "trainers[0].credentials[0].level",
        "lmns[0].notes",
        "lmns[0].issuer.phone",
        "preauthorizations[0].notes",
        "sources[0].period.length",
        "sources[0].annual_cap",
        "sessions[0].settled[0].note",
        "sessions[1].reciept",
    ],
)
def test_unknown_key_anywhere_is_invalid(path: str) -> None:
    lines = assert_only_problem_at(with_value(path, "x"), path)
    assert lines == [f"{path}: unknown key"]


@pytest.mark.parametrize(
    ("index", "key", "value"),
    [
        (2, "election", "100.00"),  # hsa
        (2, "used", "0.00"),
        (2, "period", {"start": "2026-01-01", "end": "2026-12-31"}),
        (2, "runout_days", 90),
        (0, "grace_period_days", 10),  # insurance
        (0, "election", "100.00"),
        (0, "rate", "0.50"),
        (0, "claim_deadline_days", 30),
        (1, "covered_conditions", ["E66"]),  # fsa
        (1, "rate", "0.50"),
        (1, "established", "2025-01-01"),
        (1, "timely_filing_days", 30),
        (1, "required_credentials", ["ACSM-CEP"]),
        (3, "requires_preauthorization", False),  # wellness
        (3, "deductible", "10.00"),
        (3, "limited_purpose", False),
        (3, "balance", "10.00"),
        (3, "covers_training", True),
    ],
)
def test_key_of_another_source_kind_is_unknown(index: int, key: str, value: Any) -> None:
    path = f"sources[{index}].{key}"
    assert problems(with_value(path, value)) == [f"{path}: unknown key"]


def test_key_of_another_source_kind_is_unknown_even_when_null() -> None:
    assert problems(with_value("sources[2].election", None)) == ["sources[2].election: unknown key"]


@pytest.mark.parametrize(("index", "kind"), [(1, "fsa"), (2, "hsa"), (3, "wellness")])
def test_deductible_in_a_settlement_of_a_non_insurance_source_is_an_unknown_key(
    index: int, kind: str
) -> None:
    raw = example()
    source_id = raw["sources"][index]["id"]
    raw["sessions"][0]["settled"] = [{"source": source_id, "amount": "1.00", "deductible": "1.00"}]
    assert problems(raw) == ["sessions[0].settled[0].deductible: unknown key"]


def test_deductible_null_in_a_settlement_of_a_non_insurance_source_is_an_unknown_key() -> None:
    raw = example()
    raw["sessions"][0]["settled"] = [{"source": "fsa1", "amount": "1.00", "deductible": None}]
    assert problems(raw) == ["sessions[0].settled[0].deductible: unknown key"]


def test_deductible_in_an_insurance_settlement_is_allowed() -> None:
    adjudicate(example())


# --------------------------------------------------------------------------- required


def test_missing_required_key_is_reported_at_the_path_it_should_have() -> None:
    raw = example()
    del raw["sessions"][0]["paid"]
    assert problems(raw) == ["sessions[0].paid: required"]


@pytest.mark.parametrize(
    "path",
    [
        "as_of",
        "client",
        "client.id",
        "trainers[0].id",
        "trainers[0].credentials[0].code",
        "trainers[0].credentials[0].expires",
        "lmns[0].id",
        "lmns[0].issuer",
        "lmns[0].issuer.kind",
        "lmns[0].diagnoses",
        "lmns[0].valid_from",
        "lmns[0].valid_to",
        "preauthorizations[0].id",
        "preauthorizations[0].source",
        "preauthorizations[0].status",
        "preauthorizations[0].valid_from",
        "preauthorizations[0].valid_to",
        "preauthorizations[0].approved_sessions",
        "sources[0].id",
        "sources[0].kind",
        "sources[0].period",
        "sources[0].period.start",
        "sources[0].period.end",
        "sources[1].period",
        "sources[1].election",
        "sources[2].established",
        "sources[2].balance",
        "sources[3].period",
        "sources[3].annual_cap",
        "sessions[0].id",
        "sessions[0].date",
        "sessions[0].trainer",
        "sessions[0].code",
        "sessions[0].charge",
        "sessions[0].paid",
        "sessions[0].receipt",
        "sessions[0].settled[0].source",
        "sessions[0].settled[0].amount",
    ],
)
def test_every_required_key_is_required(path: str) -> None:
    lines = problems(delete_at(example(), path))
    assert any(line.startswith(f"{path}: required") for line in lines), lines


@pytest.mark.parametrize(
    "path",
    [
        "sessions[0].paid",
        "sessions[0].receipt",
        "sources[1].election",
        "lmns[0].valid_to",
        "lmns[0].diagnoses",
        "as_of",
    ],
)
def test_required_key_given_as_null_is_invalid(path: str) -> None:
    assert path in problem_paths(with_value(path, None))


# --------------------------------------------------------------------------- values

DATE_PATHS = [
    "as_of",
    "client.birth_date",
    "trainers[0].credentials[0].issued",
    "trainers[0].credentials[0].expires",
    "lmns[0].valid_from",
    "lmns[0].valid_to",
    "lmns[0].signed_on",
    "preauthorizations[0].valid_from",
    "preauthorizations[0].valid_to",
    "sources[0].period.start",
    "sources[0].period.end",
    "sources[2].established",
    "sessions[0].date",
]
BAD_DATES = [
    "2026-02-30",
    "2025-02-29",
    "2026-13-01",
    "2026-00-10",
    "2026-2-3",
    "2026/02/03",
    "20260203",
    "2026-02-03T00:00:00",
    " 2026-02-03",
    "",
    20260203,
]


@pytest.mark.parametrize("value", BAD_DATES, ids=repr)
@pytest.mark.parametrize("path", DATE_PATHS)
def test_date_must_be_a_real_iso_calendar_date(path: str, value: Any) -> None:
    assert path in problem_paths(with_value(path, value))


def test_leap_day_is_a_real_date() -> None:
    raw = example()
    raw["client"]["birth_date"] = "2024-02-29"
    adjudicate(raw)


MONEY_PATHS = [
    "sessions[0].charge",
    "sessions[0].paid",
    "sessions[0].settled[0].amount",
    "sessions[0].settled[0].deductible",
    "sources[0].allowed_per_session",
    "sources[0].deductible",
    "sources[0].deductible_met",
    "sources[0].copay",
    "sources[1].election",
    "sources[1].used",
    "sources[2].balance",
    "sources[3].annual_cap",
    "sources[3].used",
]
BAD_MONEY = [
    85,
    85.0,
    "85",
    "85.0",
    "85.000",
    "-1.00",
    "085.00",
    "00.00",
    "+1.00",
    " 85.00",
    "85.00 ",
    "1,000.00",
    "\uff18\uff15.00",
    "",
    True,
]


@pytest.mark.parametrize("value", BAD_MONEY, ids=repr)
@pytest.mark.parametrize("path", MONEY_PATHS)
def test_money_must_be_a_string_with_two_decimals(path: str, value: Any) -> None:
    assert path in problem_paths(with_value(path, value))


def test_money_with_a_trailing_newline_is_invalid() -> None:
    # A Python `$` would match before the final newline; the pattern means the end.
    raw = with_value("sessions[0].charge", "85.00\n")
    assert problem_paths(raw) == ["sessions[0].charge"]


@pytest.mark.parametrize("value", ["0.00", "0.01", "123456789012.34"])
def test_money_values_that_are_valid(value: str) -> None:
    raw = with_value("sources[1].election", value)
    adjudicate(raw)


RATE_PATHS = ["sources[0].coinsurance", "sources[3].rate"]
BAD_RATES = [
    "1.5",
    "1.01",
    "2",
    "-0.1",
    ".5",
    "0.",
    "1.",
    "01",
    "00.5",
    "0,5",
    "",
    " 0.5",
    0.2,
    1,
    0,
]


@pytest.mark.parametrize("value", BAD_RATES, ids=repr)
@pytest.mark.parametrize("path", RATE_PATHS)
def test_rate_must_be_a_string_from_0_to_1(path: str, value: Any) -> None:
    assert problem_paths(with_value(path, value)) == [path]


@pytest.mark.parametrize("value", ["0", "1", "1.0", "1.000", "0.0", "0.125", "0.99999"])
@pytest.mark.parametrize("path", RATE_PATHS)
def test_rate_values_that_are_valid(path: str, value: str) -> None:
    adjudicate(with_value(path, value))


def test_rate_with_a_trailing_newline_is_invalid() -> None:
    assert problem_paths(with_value("sources[3].rate", "0.50\n")) == ["sources[3].rate"]


COUNT_PATHS = [
    "sources[0].session_limit",
    "sources[0].sessions_used",
    "preauthorizations[0].approved_sessions",
    "lmns[0].sessions_authorized",
    "sources[0].timely_filing_days",
    "sources[1].grace_period_days",
    "sources[1].runout_days",
    "sources[3].claim_deadline_days",
]


@pytest.mark.parametrize("value", [1.0, 2.5, -1, True, False, "1", 1e1], ids=repr)
@pytest.mark.parametrize("path", COUNT_PATHS)
def test_count_must_be_a_non_negative_json_integer(path: str, value: Any) -> None:
    assert problem_paths(with_value(path, value)) == [path]


@pytest.mark.parametrize(
    "path",
    [
        "sources[0].timely_filing_days",
        "sources[1].grace_period_days",
        "sources[1].runout_days",
        "sources[3].claim_deadline_days",
    ],
)
def test_days_are_at_most_36500(path: str) -> None:
    assert problem_paths(with_value(path, 36501)) == [path]
    adjudicate(with_value(path, 36500))


@pytest.mark.parametrize("value", [0, 10**30])
def test_counts_without_an_upper_bound_accept_any_non_negative_integer(value: int) -> None:
    adjudicate(with_value("sources[0].session_limit", value))
    adjudicate(with_value("lmns[0].sessions_authorized", value))


@pytest.mark.parametrize("value", [0, -1, 1.0, True])
def test_units_are_at_least_one(value: Any) -> None:
    assert problem_paths(with_value("sessions[0].units", value)) == ["sessions[0].units"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("sessions[0].receipt", "true"),
        ("sessions[0].receipt", 1),
        ("sessions[0].receipt", None),
        ("sources[0].covers_training", "yes"),
        ("sources[0].requires_lmn", 1),
        ("sources[1].limited_purpose", 0),
        ("strategy", "maximize"),
        ("strategy", "preserve_HSA"),
        ("sources[0].kind", "hra"),
        ("sources[0].kind", "Insurance"),
        ("preauthorizations[0].status", "approved "),
        ("preauthorizations[0].status", "Approved"),
        ("lmns[0].issuer.kind", "doctor"),
        ("sources[0].accepted_issuers", ["physician", "doctor"]),
        ("sessions", {"s1": {}}),
        ("sessions[0]", "s1"),
        ("sources", "ins1"),
        ("client", "c1"),
        ("priority", "well1"),
        ("trainers[0].credentials", {}),
        ("lmns[0].diagnoses", "E66.01"),
    ],
)
def test_values_of_the_wrong_type_are_invalid_at_their_path(path: str, value: Any) -> None:
    paths = problem_paths(with_value(path, value))
    assert any(p == path or p.startswith(path + "[") for p in paths), paths


# --------------------------------------------------------------------------- names and ids


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ("sessions[0].facility", "", "sessions[0].facility"),
        ("sessions[0].code", "", "sessions[0].code"),
        ("trainers[0].credentials[0].code", "", "trainers[0].credentials[0].code"),
        ("sources[0].covered_codes", ["S9451", ""], "sources[0].covered_codes[1]"),
        ("sources[1].covered_codes", [""], "sources[1].covered_codes[0]"),
        ("sources[0].required_credentials", [""], "sources[0].required_credentials[0]"),
        ("lmns[0].authorized_facilities", ["gym", ""], "lmns[0].authorized_facilities[1]"),
        ("client.id", "", "client.id"),
        ("trainers[0].id", "", "trainers[0].id"),
        ("lmns[0].id", "", "lmns[0].id"),
        ("preauthorizations[0].id", "", "preauthorizations[0].id"),
        ("sources[1].id", "", "sources[1].id"),
        ("sessions[1].id", "", "sessions[1].id"),
    ],
)
def test_names_and_ids_must_not_be_empty(path: str, value: Any, where: str) -> None:
    assert where in problem_paths(with_value(path, value))


@pytest.mark.parametrize(
    ("name", "item"),
    [
        ("trainers", {"id": "t1"}),
        (
            "lmns",
            {
                "id": "lmn1",
                "issuer": {"kind": "physician"},
                "diagnoses": ["E11.9"],
                "valid_from": "2026-01-01",
                "valid_to": "2026-01-02",
            },
        ),
        (
            "preauthorizations",
            {
                "id": "pa1",
                "source": "ins1",
                "status": "pending",
                "valid_from": "2026-01-01",
                "valid_to": "2026-01-02",
            },
        ),
        (
            "sessions",
            {
                "id": "s1",
                "date": "2026-03-03",
                "trainer": "t1",
                "code": "S9451",
                "charge": "1.00",
                "paid": "1.00",
                "receipt": True,
            },
        ),
    ],
)
def test_duplicate_id_is_reported_at_the_later_occurrence(name: str, item: Any) -> None:
    raw = example()
    raw[name].append(item)
    later = len(raw[name]) - 1
    assert problem_paths(raw) == [f"{name}[{later}].id"]


def test_duplicate_source_id_is_reported_at_the_later_occurrence() -> None:
    raw = example()
    raw["sources"].insert(0, {"id": "fsa1", "kind": "insurance", "period": YEAR})
    paths = problem_paths(raw)
    assert "sources[2].id" in paths
    assert "sources[0].id" not in paths


YEAR = {"start": "2026-01-01", "end": "2026-12-31"}


def test_ids_differing_only_in_case_are_distinct() -> None:
    raw = example()
    raw["trainers"].append({"id": "T1"})
    adjudicate(raw)


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ("sessions[0].trainer", "t9", "sessions[0].trainer"),
        ("sessions[1].trainer", "T1", "sessions[1].trainer"),
        ("preauthorizations[0].source", "ins9", "preauthorizations[0].source"),
        ("sessions[0].settled[0].source", "ins9", "sessions[0].settled[0].source"),
    ],
)
def test_unknown_reference_is_reported_at_the_referring_field(
    path: str, value: str, where: str
) -> None:
    assert problem_paths(with_value(path, value)) == [where]


def test_lmn_naming_an_unknown_trainer_is_invalid() -> None:
    paths = problem_paths(with_value("lmns[0].authorized_trainers", ["t1", "t9"]))
    assert len(paths) == 1
    assert paths[0].startswith("lmns[0].authorized_trainers")


def test_priority_naming_an_unknown_source_is_invalid_at_its_index() -> None:
    raw = with_value("priority", ["well1", "nope", "fsa1", "hsa1"])
    assert problem_paths(raw) == ["priority[1]"]


def test_priority_naming_an_insurance_source_is_invalid_at_its_index() -> None:
    raw = with_value("priority", ["well1", "fsa1", "hsa1", "ins1"])
    assert problem_paths(raw) == ["priority[3]"]


def test_priority_repeating_a_source_is_invalid_at_the_repeat() -> None:
    raw = with_value("priority", ["well1", "fsa1", "well1", "hsa1"])
    assert problem_paths(raw) == ["priority[2]"]


def test_priority_leaving_a_source_out_is_invalid_at_priority() -> None:
    raw = with_value("priority", ["well1", "hsa1"])
    assert problem_paths(raw) == ["priority"]


def test_empty_priority_is_valid_without_non_insurance_sources() -> None:
    decide(make_case(sources=[insurance()], priority=[]))


def test_empty_priority_leaves_out_every_non_insurance_source() -> None:
    assert problem_paths(make_case(sources=[insurance(), fsa()], priority=[])) == ["priority"]


def test_preauthorization_of_a_non_insurance_source_is_invalid_at_its_source() -> None:
    assert problem_paths(with_value("preauthorizations[0].source", "fsa1")) == [
        "preauthorizations[0].source"
    ]


def test_second_hsa_source_is_invalid_at_its_kind() -> None:
    raw = example()
    del raw["priority"]
    raw["sources"].append(
        {"id": "hsa2", "kind": "hsa", "established": "2025-01-01", "balance": "1.00"}
    )
    assert problem_paths(raw) == ["sources[4].kind"]


def test_second_settlement_for_the_same_source_is_invalid_at_the_later_source() -> None:
    raw = example()
    raw["sessions"][0]["settled"] = [
        {"source": "fsa1", "amount": "1.00"},
        {"source": "well1", "amount": "1.00"},
        {"source": "fsa1", "amount": "1.00"},
    ]
    assert problem_paths(raw) == ["sessions[0].settled[2].source"]


def test_settled_amounts_above_paid_are_invalid_at_paid() -> None:
    raw = example()
    raw["sessions"][0]["settled"] = [
        {"source": "fsa1", "amount": "50.00"},
        {"source": "well1", "amount": "35.01"},
    ]
    assert problem_paths(raw) == ["sessions[0].paid"]
    raw["sessions"][0]["settled"][1]["amount"] = "35.00"
    adjudicate(raw)


def test_settlement_of_a_future_session_is_still_validated() -> None:
    raw = example()
    raw["sessions"][1]["settled"] = [{"source": "fsa1", "amount": "0.01"}]
    assert problem_paths(raw) == ["sessions[1].paid"]


# --------------------------------------------------------------------------- relations


def test_paid_above_charge_is_invalid_at_paid() -> None:
    assert problem_paths(with_value("sessions[0].paid", "85.01")) == ["sessions[0].paid"]


def test_deductible_met_above_deductible_is_invalid_at_deductible_met() -> None:
    assert problem_paths(with_value("sources[0].deductible_met", "500.01")) == [
        "sources[0].deductible_met"
    ]
    adjudicate(with_value("sources[0].deductible_met", "500.00"))


def test_deductible_met_without_a_deductible_is_above_the_default_zero() -> None:
    raw = example()
    del raw["sources"][0]["deductible"]
    raw["sources"][0]["deductible_met"] = "0.01"
    assert problem_paths(raw) == ["sources[0].deductible_met"]


def test_fsa_used_above_election_is_invalid_at_used() -> None:
    assert problem_paths(with_value("sources[1].used", "2000.01")) == ["sources[1].used"]
    adjudicate(with_value("sources[1].used", "2000.00"))


def test_wellness_used_above_annual_cap_is_invalid_at_used() -> None:
    assert problem_paths(with_value("sources[3].used", "300.01")) == ["sources[3].used"]
    adjudicate(with_value("sources[3].used", "300.00"))


@pytest.mark.parametrize("index", [0, 1, 3])
def test_period_ending_before_it_starts_is_invalid_at_end(index: int) -> None:
    path = f"sources[{index}].period.end"
    assert problem_paths(with_value(path, "2025-12-31")) == [path]
    adjudicate(with_value(path, "2026-01-01"))


def test_lmn_ending_before_it_starts_is_invalid_at_valid_to() -> None:
    assert problem_paths(with_value("lmns[0].valid_to", "2026-01-14")) == ["lmns[0].valid_to"]
    adjudicate(with_value("lmns[0].valid_to", "2026-01-15"))


def test_preauthorization_ending_before_it_starts_is_invalid_at_valid_to() -> None:
    path = "preauthorizations[0].valid_to"
    assert problem_paths(with_value(path, "2026-01-31")) == [path]
    adjudicate(with_value(path, "2026-02-01"))


def test_credential_expiring_before_it_was_issued_is_invalid_at_expires() -> None:
    path = "trainers[0].credentials[0].expires"
    assert problem_paths(with_value(path, "2024-01-09")) == [path]
    adjudicate(with_value(path, "2024-01-10"))


def test_approved_preauthorization_without_approved_sessions_is_invalid() -> None:
    path = "preauthorizations[0].approved_sessions"
    raw = example()
    del raw["preauthorizations"][0]["approved_sessions"]
    assert problem_paths(raw) == [path]
    assert problem_paths(with_value(path, None)) == [path]


@pytest.mark.parametrize("state", ["pending", "denied"])
def test_pending_or_denied_preauthorization_needs_no_approved_sessions(state: str) -> None:
    raw = with_value("preauthorizations[0].status", state)
    del raw["preauthorizations"][0]["approved_sessions"]
    adjudicate(raw)


# --------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ("lmns[0].diagnoses", ["E66.01", "M54.5"], "lmns[0].diagnoses[1]"),
        ("lmns[0].diagnoses", ["E66"], "lmns[0].diagnoses[0]"),
        ("lmns[0].diagnoses", ["XYZ.1"], "lmns[0].diagnoses[0]"),
        ("lmns[0].diagnoses", ["E6601"], "lmns[0].diagnoses[0]"),
        ("lmns[0].diagnoses", ["e66.01"], "lmns[0].diagnoses[0]"),
        ("lmns[0].diagnoses", [""], "lmns[0].diagnoses[0]"),
        ("lmns[0].diagnoses", [], "lmns[0].diagnoses"),
        ("client.conditions", ["M54.5"], "client.conditions[0]"),
        ("client.conditions", ["E11.9", "E11"], "client.conditions[1]"),
        ("client.conditions", ["XYZ.1"], "client.conditions[0]"),
        ("sources[0].covered_conditions", ["E66", "E6"], "sources[0].covered_conditions[1]"),
        ("sources[0].covered_conditions", ["E65-E68"], "sources[0].covered_conditions[0]"),
        ("sources[0].covered_conditions", ["E66."], "sources[0].covered_conditions[0]"),
        ("sources[0].covered_conditions", ["XYZ"], "sources[0].covered_conditions[0]"),
        ("sources[0].covered_conditions", [""], "sources[0].covered_conditions[0]"),
    ],
)
def test_invalid_icd10_codes_are_reported_at_their_path(path: str, value: Any, where: str) -> None:
    assert problem_paths(with_value(path, value)) == [where]


def test_non_billable_diagnosis_is_rejected_as_not_billable_not_unknown() -> None:
    (line,) = problems(with_value("lmns[0].diagnoses", ["M54.5"]))
    assert line.startswith("lmns[0].diagnoses[0]: ")
    assert "not billable" in line
    (line,) = problems(with_value("lmns[0].diagnoses", ["XYZ.1"]))
    assert "not billable" not in line


@pytest.mark.parametrize("value", ["E66", "E66.0", "E66.01", "E11", "M54.5", "Z96.651"])
def test_covered_conditions_accept_categories_subcategories_and_codes(value: str) -> None:
    adjudicate(with_value("sources[0].covered_conditions", [value]))


@pytest.mark.parametrize("value", ["E66.01", "E66.811", "E11.9", "Z96.651", "M54.50"])
def test_billable_codes_are_valid_diagnoses(value: str) -> None:
    adjudicate(with_value("lmns[0].diagnoses", [value]))
    adjudicate(with_value("client.conditions", [value]))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("trainers[0].npi", "1245319598"),
        ("trainers[0].npi", "124531959"),
        ("trainers[0].npi", "12453195999"),
        ("trainers[0].npi", "12453195AB"),
        ("trainers[0].npi", 1245319599),
        ("lmns[0].issuer.npi", "1245319590"),
        ("lmns[0].issuer.npi", ""),
    ],
)
def test_invalid_npi_is_reported_at_its_path(path: str, value: Any) -> None:
    assert problem_paths(with_value(path, value)) == [path]


def test_valid_npi_or_null_is_accepted() -> None:
    adjudicate(with_value("trainers[0].npi", "1245319599"))
    adjudicate(with_value("lmns[0].issuer.npi", None))


# --------------------------------------------------------------------------- root


@pytest.mark.parametrize("raw", [[], "case", None, 5, True, [{"as_of": "2026-07-31"}]])
def test_root_that_is_not_an_object_is_invalid_at_dollar(raw: Any) -> None:
    lines = problems(raw)
    assert [line.split(": ", 1)[0] for line in lines] == ["$"]


def test_empty_object_lacks_as_of_and_client() -> None:
    assert sorted(problem_paths({})) == ["as_of", "client"]


# --------------------------------------------------------------------------- 9999-12-31


def far_case(**fsa_fields: Any) -> dict[str, Any]:
    return make_case(
        as_of="9999-12-31",
        sources=[
            fsa(
                period={"start": "9999-01-01", "end": "9999-12-31"},
                requires_lmn=False,
                **fsa_fields,
            ),
        ],
        sessions=[session(date="9999-12-30")],
        lmns=[],
    )


@pytest.mark.parametrize(
    ("key", "days"),
    [("grace_period_days", 1), ("runout_days", 1)],
)
def test_fsa_days_reaching_past_9999_12_31_are_invalid(key: str, days: int) -> None:
    fields = {"grace_period_days": 0, "runout_days": 0, key: days}
    assert problem_paths(far_case(**fields)) == [f"sources[0].{key}"]


def test_fsa_days_reaching_exactly_9999_12_31_are_valid() -> None:
    raw = far_case(grace_period_days=0, runout_days=0)
    raw["sources"][0]["period"]["end"] = "9999-12-30"
    raw["sources"][0].update(grace_period_days=1, runout_days=1)
    decide(raw)


def test_wellness_claim_deadline_past_9999_12_31_is_invalid() -> None:
    raw = make_case(
        sources=[
            {
                "id": "w",
                "kind": "wellness",
                "period": {"start": "9999-01-01", "end": "9999-12-01"},
                "annual_cap": "1.00",
                "claim_deadline_days": 31,
            }
        ]
    )
    assert problem_paths(raw) == ["sources[0].claim_deadline_days"]
    raw["sources"][0]["claim_deadline_days"] = 30
    decide(raw)


def test_insurance_timely_filing_past_9999_12_31_is_invalid() -> None:
    raw = make_case(
        as_of="9999-12-31",
        sources=[insurance(timely_filing_days=2, requires_lmn=False)],
        sessions=[session(date="9999-12-30")],
    )
    assert problem_paths(raw) == ["sources[0].timely_filing_days"]
    raw["sources"][0]["timely_filing_days"] = 1
    decide(raw)


def test_insurance_timely_filing_of_a_future_session_is_not_computed() -> None:
    # The procedure computes claim_by only for included sessions (ambiguous; see report).
    raw = make_case(
        as_of="9999-12-01",
        sources=[insurance(timely_filing_days=100, requires_lmn=False)],
        sessions=[session(date="9999-12-30")],
    )
    decide(raw)


def test_fsa_default_runout_past_9999_12_31_is_invalid() -> None:
    raw = far_case(grace_period_days=0)
    with pytest.raises(InvalidCase) as caught:
        adjudicate(raw)
    assert [p.path for p in caught.value.problems] == ["sources[0].runout_days"]


def test_wellness_default_claim_deadline_past_9999_12_31_is_invalid() -> None:
    raw = make_case(
        as_of="9999-12-31",
        sources=[
            {
                "id": "w",
                "kind": "wellness",
                "period": {"start": "9999-01-01", "end": "9999-12-31"},
                "annual_cap": "1.00",
            }
        ],
        sessions=[session(date="9999-12-30")],
    )
    with pytest.raises(InvalidCase) as caught:
        adjudicate(raw)
    assert [p.path for p in caught.value.problems] == ["sources[0].claim_deadline_days"]


def test_insurance_default_timely_filing_past_9999_12_31_is_invalid() -> None:
    raw = make_case(
        as_of="9999-12-01",
        sources=[
            insurance(requires_lmn=False, period={"start": "9999-01-01", "end": "9999-12-31"})
        ],
        sessions=[session(date="9999-12-01")],
    )
    with pytest.raises(InvalidCase) as caught:
        adjudicate(raw)
    assert [p.path for p in caught.value.problems] == ["sources[0].timely_filing_days"]


# --------------------------------------------------------------------------- all at once


def test_a_case_with_many_problems_names_each_path() -> None:
    raw = example()
    mutations: list[Callable[[dict[str, Any]], Any]] = [
        lambda r: r["sessions"][1].update(reciept=True),
        lambda r: r["sessions"][0].pop("paid"),
        lambda r: r["sources"][2].update(election="1.00"),
        lambda r: r.update(as_of="2026-02-30"),
        lambda r: r["sources"][0].update(copay="20"),
        lambda r: r["sources"][0].update(coinsurance="1.5"),
        lambda r: r["sources"][0].update(session_limit=1.0),
        lambda r: r["sources"][1].update(used="2000.01"),
        lambda r: r["sources"][3]["period"].update(end="2025-01-01"),
        lambda r: r["lmns"][0]["issuer"].update(npi="1245319598"),
        lambda r: r["lmns"][0].update(diagnoses=["M54.5"]),
        lambda r: r["trainers"].append({"id": "t1"}),
        lambda r: r["sessions"][1].update(trainer="t9"),
        lambda r: r["sessions"][1].update(code=""),
        lambda r: r["preauthorizations"][0].update(source="fsa1"),
        lambda r: r.update(priority=["well1", "fsa1", "fsa1"]),
    ]
    for mutate in mutations:
        mutate(raw)
    paths = problem_paths(raw)
    for expected in [
        "sessions[1].reciept",
        "sessions[0].paid",
        "sources[2].election",
        "as_of",
        "sources[0].copay",
        "sources[0].coinsurance",
        "sources[0].session_limit",
        "sources[1].used",
        "sources[3].period.end",
        "lmns[0].issuer.npi",
        "lmns[0].diagnoses[0]",
        "trainers[1].id",
        "sessions[1].trainer",
        "sessions[1].code",
        "preauthorizations[0].source",
        "priority[2]",
        "priority",
    ]:
        assert expected in paths, (expected, paths)
    assert len(paths) == len(set(paths))


def test_problems_in_several_sessions_are_each_reported() -> None:
    raw = example()
    raw["sessions"][0]["paid"] = "85.01"
    raw["sessions"][1]["paid"] = "85.01"
    assert problem_paths(raw) == ["sessions[0].paid", "sessions[1].paid"]


def test_fsa_grace_period_reaching_past_9999_12_31_is_invalid_even_with_default_runout() -> None:
    raw = far_case(grace_period_days=1, runout_days=None)
    paths = problem_paths(raw)
    assert "sources[0].grace_period_days" in paths
