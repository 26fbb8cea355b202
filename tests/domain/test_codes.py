"""ICD-10-CM (FY2026) and NPI checks (shared/ENGINE.md, Conventions).

The tests use the public functions of `fitclaim.domain.codes` and, for the
rules that matter to a case, the engine itself (see also test_engine_invalid).
"""

from __future__ import annotations

import gzip

import pytest

from fitclaim.domain.codes import (
    billable_icd10_codes,
    icd10_description,
    icd10_items,
    icd10_prefix_problem,
    icd10_problem,
    npi_is_valid,
    npi_problem,
    npi_with_check_digit,
)
from fitclaim.domain.icd10_index import INDEX_PATH, build_index_lines
from tests.domain.casekit import case, decide, lmn, problems

# --------------------------------------------------------------------------- ICD-10-CM


@pytest.mark.parametrize("code", ["E66.01", "E66.811", "E11.9", "Z96.651", "M54.50", "I25.10"])
def test_billable_codes_are_valid_diagnoses(code: str) -> None:
    assert icd10_problem(code) is None
    assert code in billable_icd10_codes()


@pytest.mark.parametrize("code", ["E66", "E11", "E66.0", "E66.81", "M54.5", "I25"])
def test_categories_and_subcategories_are_not_billable(code: str) -> None:
    problem = icd10_problem(code)
    assert problem is not None
    assert "not billable" in problem
    assert code in icd10_items()
    assert code not in billable_icd10_codes()


def test_m54_5_is_rejected_as_not_billable_not_as_unknown() -> None:
    problem = icd10_problem("M54.5")
    assert problem is not None
    assert "not billable" in problem
    assert "not an ICD-10-CM code" not in problem


@pytest.mark.parametrize("code", ["XYZ.1", "E66.99", "E66.010", "ZZZ", "U99.9", "E66.", "e66.01"])
def test_unknown_codes_are_rejected_as_unknown(code: str) -> None:
    problem = icd10_problem(code)
    assert problem is not None
    assert "not billable" not in problem


def test_code_without_the_dot_is_rejected_with_the_dotted_form() -> None:
    problem = icd10_problem("E6601")
    assert problem is not None
    assert "E66.01" in problem
    assert icd10_problem("E119") is not None


def test_empty_code_is_rejected() -> None:
    assert icd10_problem("") is not None


@pytest.mark.parametrize("code", ["E66", "E66.0", "E66.01", "E11", "M54.5", "Z96.651", "E66.81"])
def test_covered_conditions_may_be_a_category_subcategory_or_code(code: str) -> None:
    assert icd10_prefix_problem(code) is None


@pytest.mark.parametrize("code", ["E6", "E", "", "E65-E68", "E66.", "XYZ", "E6601", "e66"])
def test_covered_conditions_must_be_part_of_the_classification(code: str) -> None:
    assert icd10_prefix_problem(code) is not None


def test_chapters_and_blocks_are_not_codes() -> None:
    assert "E65-E68" not in icd10_items()
    assert "4" not in icd10_items()


def test_descriptions_are_available() -> None:
    assert icd10_description("E66.01") == "Morbid (severe) obesity due to excess calories"


def test_diagnoses_in_a_case_use_the_same_rules() -> None:
    decide(case(lmns=[lmn(diagnoses=["E66.811", "Z96.651"])]))
    (line,) = problems(case(lmns=[lmn(diagnoses=["M54.5"])]))
    assert line.startswith("lmns[0].diagnoses[0]: ")
    assert "not billable" in line


def test_shipped_icd10_index_is_built_from_simple_icd_10_cm() -> None:
    # Rebuilding takes a few seconds: it imports the whole FY2026 tabular list.
    with gzip.open(INDEX_PATH, "rt", encoding="utf-8") as shipped:
        lines = shipped.read().splitlines()
    assert lines == build_index_lines()


def test_simple_icd_10_cm_is_the_fy2026_release() -> None:
    from importlib.metadata import version

    assert version("simple-icd-10-cm") == "1.5.0"


# --------------------------------------------------------------------------- NPI


@pytest.mark.parametrize("npi", ["1245319599", "1234567893"])
def test_valid_npi_passes_the_luhn_check_over_80840(npi: str) -> None:
    assert npi_is_valid(npi)
    assert npi_problem(npi) is None


@pytest.mark.parametrize("npi", ["1245319598", "1245319590", "1234567890"])
def test_npi_with_a_wrong_check_digit_is_invalid(npi: str) -> None:
    assert not npi_is_valid(npi)
    assert npi_problem(npi) is not None


@pytest.mark.parametrize(
    "npi",
    ["124531959", "12453195999", "", "12453195AB", "124531959a", "1245 19599", "\uff11245319599"],
)
def test_npi_must_be_ten_ascii_digits(npi: str) -> None:
    assert not npi_is_valid(npi)
    assert npi_problem(npi) is not None


def test_npi_check_digit_helper_completes_a_stem() -> None:
    assert npi_with_check_digit("124531959") == "1245319599"
    assert npi_with_check_digit("123456789") == "1234567893"


def test_every_stem_has_exactly_one_check_digit() -> None:
    for stem in ("100000000", "999999999", "270000000", "555555555"):
        valid = [d for d in "0123456789" if npi_is_valid(stem + d)]
        assert len(valid) == 1
