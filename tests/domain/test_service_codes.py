"""The service-code catalog and the claim check for codes that need a license
(no database)."""

from __future__ import annotations

import pytest

from fitclaim.domain.claim_checks import (
    CheckCode,
    SessionLine,
    blocking,
    check_billing_npi,
    check_code_license,
    check_esignature,
    session_checks,
)
from fitclaim.domain.service_codes import (
    CATALOG,
    Biller,
    may_bill,
    service_code,
    service_code_problem,
    units_for,
)


def test_the_catalog_has_the_codes_the_product_names() -> None:
    assert set(CATALOG) == {
        "S9451",
        "97110",
        "97112",
        "97530",
        "97750",
        "98960",
        "98961",
        "98962",
        "G0422",
        "G0424",
    }


def test_s9451_is_an_exercise_class_any_trainer_may_bill() -> None:
    entry = service_code("S9451")
    assert entry is not None
    assert entry.biller is Biller.NON_PHYSICIAN
    assert not entry.needs_license
    assert "non-physician" in entry.description


@pytest.mark.parametrize("code", ["97110", "97112", "97530", "97750"])
def test_therapy_codes_need_a_pt_ot_or_physician(code: str) -> None:
    entry = service_code(code)
    assert entry is not None and entry.needs_license
    assert not may_bill(code, "none")
    assert may_bill(code, "pt") and may_bill(code, "ot") and may_bill(code, "physician")


@pytest.mark.parametrize("code", ["98960", "98961", "98962"])
def test_self_management_education_codes(code: str) -> None:
    entry = service_code(code)
    assert entry is not None
    assert entry.biller is Biller.EDUCATOR
    assert "Self-management education" in entry.description
    assert may_bill(code, "none")


def test_cardiac_and_pulmonary_rehab() -> None:
    assert "cardiac" in CATALOG["G0422"].description.lower()
    assert "pulmonary" in CATALOG["G0424"].description.lower()


def test_codes_are_read_whatever_their_case_and_spaces() -> None:
    assert service_code(" s9451 ") is CATALOG["S9451"]


def test_an_unknown_code_is_a_problem_that_names_the_choices() -> None:
    message = service_code_problem("97999")
    assert message is not None and "S9451" in message
    assert service_code_problem("") == "required, for example S9451"
    assert service_code_problem("97110") is None


@pytest.mark.parametrize(
    ("code", "minutes", "units"),
    [
        ("S9451", 60, 1),
        ("97110", 45, 3),
        ("97110", 52, 3),
        ("97110", 53, 4),
        ("97110", 7, 1),
        ("98960", 60, 2),
    ],
)
def test_units_follow_the_code_and_the_length(code: str, minutes: int, units: int) -> None:
    assert units_for(code, minutes) == units


def line(code: str, profession: str = "none") -> SessionLine:
    return SessionLine(id="s1", code=code, trainer_name="Sam Ortiz", profession=profession)


def test_an_unlicensed_trainer_logging_97110_gets_code_needs_license() -> None:
    check = check_code_license(line("97110"))
    assert check is not None
    assert check.code is CheckCode.CODE_NEEDS_LICENSE
    assert check.session == "s1"
    assert "Sam Ortiz" in check.message and "S9451" in check.message


def test_code_needs_license_blocks_insurance_only() -> None:
    check = check_code_license(line("97110"))
    assert check is not None
    assert check.blocks_kind("insurance")
    assert not check.blocks_kind("fsa") and not check.blocks_kind("hsa")
    assert blocking([check], "insurance") == [check]
    assert blocking([check], "wellness") == []


@pytest.mark.parametrize("profession", ["pt", "ot", "physician"])
def test_a_licensed_trainer_may_log_97110(profession: str) -> None:
    assert check_code_license(line("97110", profession)) is None


def test_s9451_never_needs_a_license() -> None:
    assert check_code_license(line("S9451")) is None


def test_session_checks_keep_session_order() -> None:
    lines = [line("97110"), line("S9451"), SessionLine("s3", "97530", "Jo Kim", "none")]
    assert [c.session for c in session_checks(lines)] == ["s1", "s3"]


def test_a_source_refusing_e_signatures_blocks_an_e_signed_letter() -> None:
    check = check_esignature(
        source="ins1",
        source_name="Acme",
        refuses_esignature=True,
        letter_signed_electronically=True,
    )
    assert check is not None and check.code is CheckCode.ESIGNATURE_REFUSED
    assert (
        check_esignature(
            source="ins1",
            source_name="Acme",
            refuses_esignature=True,
            letter_signed_electronically=False,
        )
        is None
    )


def test_an_837p_without_a_billing_npi_is_blocked() -> None:
    check = check_billing_npi(provider_submitted=True, billing_npi="")
    assert check is not None and check.code is CheckCode.BILLING_NPI_MISSING
    assert check_billing_npi(provider_submitted=False, billing_npi="") is None
    assert check_billing_npi(provider_submitted=True, billing_npi="1245319599") is None


def test_check_codes_are_stable_strings() -> None:
    # Other checks are added after these; these three keep their values.
    assert [c.value for c in CheckCode][:3] == [
        "CODE_NEEDS_LICENSE",
        "ESIGNATURE_REFUSED",
        "BILLING_NPI_MISSING",
    ]
    assert all(c.value == c.name for c in CheckCode)
