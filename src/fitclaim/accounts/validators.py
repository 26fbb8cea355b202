"""Field rules for an organization's billing identity (used by the model, so every
form, the admin and the services apply them the same way)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

EIN_PATTERN = re.compile(r"^\d{2}-?\d{7}$")


def normalize_ein(value: str) -> str:
    """The IRS writes an EIN as NN-NNNNNNN; accept it with or without the hyphen."""
    digits = re.sub(r"[\s-]", "", value or "")
    if len(digits) == 9 and digits.isdigit():
        return f"{digits[:2]}-{digits[2:]}"
    return (value or "").strip()


def validate_ein(value: str) -> None:
    if value and not EIN_PATTERN.match(value):
        raise ValidationError(
            "An EIN (employer identification number) is 9 digits, written NN-NNNNNNN.",
            code="invalid_ein",
        )


def validate_group_npi(value: str) -> None:
    """A group (type 2) NPI is checked by its Luhn check digit, like any NPI."""
    if not value:
        return
    # Imported here so the accounts app loads even while the domain package is
    # being built; the rule itself lives in one place, the domain.
    from fitclaim.domain.codes import npi_problem

    problem = npi_problem(value)
    if problem:
        raise ValidationError(f"{value}: {problem}.", code="invalid_npi")
