"""Code sets fitclaim checks offline: ICD-10-CM (FY2026) and the NPI check digit."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache

from fitclaim.domain.icd10_index import INDEX_PATH


@dataclass(frozen=True, slots=True)
class Icd10Entry:
    code: str
    billable: bool
    description: str


def _index_lines() -> list[str]:
    with gzip.open(INDEX_PATH, "rt", encoding="utf-8") as lines:
        return lines.read().splitlines()


@cache
def _icd10_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(billable codes, every category/subcategory/code): all validation needs,
    kept apart from the descriptions so checking a case stays small in memory."""
    billable: list[str] = []
    items: list[str] = []
    for line in _index_lines():
        code, flag, _ = line.split("\t", 2)
        items.append(code)
        if flag == "B":
            billable.append(code)
    return frozenset(billable), frozenset(items)


@cache
def _icd10_descriptions() -> dict[str, str]:
    return {code: text for code, _, text in (line.split("\t", 2) for line in _index_lines())}


def billable_icd10_codes() -> frozenset[str]:
    return _icd10_sets()[0]


def icd10_items() -> frozenset[str]:
    """Every category, subcategory and code of the classification."""
    return _icd10_sets()[1]


def icd10_lookup(code: str) -> Icd10Entry | None:
    code = code.strip().upper()
    description = _icd10_descriptions().get(code)
    if description is None:
        return None
    return Icd10Entry(code, code in billable_icd10_codes(), description)


def icd10_description(code: str) -> str | None:
    return _icd10_descriptions().get(code.strip().upper())


def icd10_problem(code: str) -> str | None:
    """Why `code` cannot be a diagnosis, or None when it is a billable FY2026 code.

    Codes are written with the dot (E66.01). A category or subcategory that has
    more specific codes below it (M54.5 since FY2022) is not billable.
    """
    if not isinstance(code, str) or not code:
        return "an ICD-10-CM code is required"
    billable, items = _icd10_sets()
    if code in billable:
        return None
    if code in items:
        return f"{code} is not billable: use a more specific code"
    if "." not in code and len(code) > 3 and code[:3] + "." + code[3:] in items:
        return f"write ICD-10-CM codes with the dot: {code[:3]}.{code[3:]}"
    return f"{code} is not an ICD-10-CM code (FY2026)"


def icd10_prefix_problem(code: str) -> str | None:
    """Why `code` cannot name a group of diagnoses (covered conditions), or None
    for a category, subcategory or code of the classification (E66, E66.0, E66.01)."""
    if not isinstance(code, str) or code not in icd10_items():
        return f"{code} is not an ICD-10-CM category or code (FY2026)"
    return None


def npi_is_valid(npi: str) -> bool:
    """10 digits whose last is the Luhn check digit over 80840 + the first nine."""
    if not isinstance(npi, str) or len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed("80840" + npi)):
        digit = ord(char) - 48
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def npi_problem(npi: str) -> str | None:
    if not isinstance(npi, str) or len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return "an NPI is 10 digits"
    if not npi_is_valid(npi):
        return "not a valid NPI (check digit does not match)"
    return None


def npi_with_check_digit(first_nine: str) -> str:
    """Complete a 9-digit NPI stem with its check digit (for demo and test data)."""
    for digit in "0123456789":
        if npi_is_valid(first_nine + digit):
            return first_nine + digit
    raise ValueError(first_nine)
