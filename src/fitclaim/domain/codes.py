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


@cache
def _icd10_table() -> dict[str, Icd10Entry]:
    table: dict[str, Icd10Entry] = {}
    with gzip.open(INDEX_PATH, "rt", encoding="utf-8") as lines:
        for line in lines:
            code, flag, description = line.rstrip("\n").split("\t", 2)
            table[code] = Icd10Entry(code, flag == "B", description)
    return table


@cache
def billable_icd10_codes() -> frozenset[str]:
    return frozenset(code for code, entry in _icd10_table().items() if entry.billable)


@cache
def icd10_items() -> frozenset[str]:
    """Every category, subcategory and code of the classification."""
    return frozenset(_icd10_table())


def icd10_lookup(code: str) -> Icd10Entry | None:
    return _icd10_table().get(code.strip().upper())


def icd10_description(code: str) -> str | None:
    entry = icd10_lookup(code)
    return entry.description if entry else None


def icd10_problem(code: str) -> str | None:
    """Why `code` cannot be a diagnosis, or None when it is a billable FY2026 code.

    Codes are written with the dot (E66.01). A category or subcategory that has
    more specific codes below it (M54.5 since FY2022) is not billable.
    """
    if not isinstance(code, str) or not code:
        return "an ICD-10-CM code is required"
    entry = _icd10_table().get(code)
    if entry is None:
        if "." not in code and len(code) > 3 and code[:3] + "." + code[3:] in _icd10_table():
            return f"write ICD-10-CM codes with the dot: {code[:3]}.{code[3:]}"
        return f"{code} is not an ICD-10-CM code (FY2026)"
    if not entry.billable:
        return f"{code} is not billable: use a more specific code"
    return None


def icd10_prefix_problem(code: str) -> str | None:
    """Why `code` cannot name a group of diagnoses (covered conditions), or None
    for a category, subcategory or code of the classification (E66, E66.0, E66.01)."""
    if not isinstance(code, str) or code not in _icd10_table():
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
