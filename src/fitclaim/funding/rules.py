"""The rules a funding source must satisfy, per kind, in one place.

Pure functions over plain values (no database), so every rule is testable on
its own; the services call them before saving, and the form and the API show
their messages on the field they name. The numbers are ENGINE.md's: a source
that passes these is a valid engine source.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fitclaim.funding.models import (
    BOOL_FIELDS,
    COUNT_FIELDS,
    DAYS_FIELDS,
    KIND_SPECS,
    LIST_FIELDS,
    MAX_DAYS,
    MONEY_FIELDS,
    RATE_FIELDS,
    FundingKind,
)
from fitclaim.providers.models import ProviderKind

KIND_NAMES = {
    FundingKind.INSURANCE: "an insurance plan",
    FundingKind.FSA: "an FSA",
    FundingKind.HSA: "an HSA",
    FundingKind.WELLNESS: "a wellness program",
}

# A category (E66), subcategory (E66.0) or code (E66.01, S72.001A).
ICD10_PREFIX = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


@dataclass(frozen=True)
class Sibling:
    """Another funding source of the same client, as far as the rules care."""

    pk: int
    kind: str
    order: int | None


def normalize_list(field: str, value: Any) -> list[str]:
    """A list field from a list or a comma/space separated string: trimmed,
    uppercased codes (issuer kinds lowercased), duplicates dropped, order kept."""
    if value is None:
        return []
    items = re.split(r"[\s,;]+", value) if isinstance(value, str) else list(value)
    seen: list[str] = []
    for item in items:
        text = str(item).strip()
        text = text.lower() if field == "accepted_issuers" else text.upper()
        if text and text not in seen:
            seen.append(text)
    return seen


def funding_source_problems(
    kind: str, values: Mapping[str, Any], *, siblings: Iterable[Sibling] = ()
) -> dict[str, list[str]]:
    """Every problem with a source of `kind` having `values` (model field names;
    defaults already applied), as {field: [messages]}. Empty when valid.

    Relations between two fields are reported on the second one (the period's
    end, `used`, `deductible_met`), as the engine reports them.
    """
    problems: dict[str, list[str]] = {}

    def problem(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if kind not in KIND_SPECS:
        problem("kind", "choose insurance, fsa, hsa or wellness")
        return problems
    spec = KIND_SPECS[kind]
    what = KIND_NAMES[kind]

    if not str(values.get("name") or "").strip():
        problem("name", "a name is required")
    for field in spec.required:
        if values.get(field) in (None, ""):
            problem(field, f"required for {what}")

    start, end = values.get("period_start"), values.get("period_end")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        problem("period_end", f"the period ends ({end}) before it starts ({start})")

    for field in spec.fields:
        value = values.get(field)
        if value is None:
            continue
        if field in MONEY_FIELDS and isinstance(value, Decimal) and value < 0:
            problem(field, "must be 0.00 or more")
        elif field in RATE_FIELDS and isinstance(value, Decimal) and not Decimal(0) <= value <= 1:
            problem(field, "must be a rate from 0 to 1 (0.20 is 20%)")
        elif field in COUNT_FIELDS and isinstance(value, int) and value < 0:
            problem(field, "must be 0 or more")
        elif field in DAYS_FIELDS and isinstance(value, int) and value > MAX_DAYS:
            problem(field, f"must be at most {MAX_DAYS} days")
        elif field in BOOL_FIELDS and not isinstance(value, bool):
            problem(field, "must be true or false")

    _check_limits(kind, values, problem)
    _check_deadlines_fit_the_calendar(kind, values, problem)
    _check_lists(spec.fields, values, problem)
    _check_siblings(kind, values, siblings, problem)
    return problems


def _check_limits(kind: str, values: Mapping[str, Any], problem: Any) -> None:
    used = values.get("used")
    if kind == FundingKind.FSA:
        election = values.get("election")
        if _both_money(used, election) and used > election:
            problem("used", f"more than the election ({election})")
    if kind == FundingKind.WELLNESS:
        cap = values.get("annual_cap")
        if _both_money(used, cap) and used > cap:
            problem("used", f"more than the annual cap ({cap})")
    if kind == FundingKind.INSURANCE:
        met, deductible = values.get("deductible_met"), values.get("deductible")
        if _both_money(met, deductible) and met > deductible:
            problem("deductible_met", f"more than the deductible ({deductible})")


def _both_money(a: Any, b: Any) -> bool:
    return isinstance(a, Decimal) and isinstance(b, Decimal)


def _check_deadlines_fit_the_calendar(kind: str, values: Mapping[str, Any], problem: Any) -> None:
    # The engine computes `end + days`; a date past 9999-12-31 makes the case invalid.
    end = values.get("period_end")
    if not isinstance(end, dt.date):
        return
    for field in ("grace_period_days", "runout_days", "claim_deadline_days", "timely_filing_days"):
        days = values.get(field)
        if field in KIND_SPECS[kind].fields and isinstance(days, int) and 0 <= days <= MAX_DAYS:
            try:
                end + dt.timedelta(days=days)
            except OverflowError:
                problem(field, "the deadline would fall after 9999-12-31")


def _check_lists(fields: tuple[str, ...], values: Mapping[str, Any], problem: Any) -> None:
    issuer_kinds = set(ProviderKind.values)
    for field in LIST_FIELDS & set(fields):
        items = values.get(field)
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            problem(field, "must be a list of non-empty texts")
            continue
        if field == "accepted_issuers":
            unknown = [item for item in items if item not in issuer_kinds]
            if unknown:
                problem(
                    field,
                    f"not a provider kind: {', '.join(unknown)} "
                    f"(use {', '.join(ProviderKind.values)})",
                )
        if field == "covered_conditions":
            for item in items:
                message = _condition_prefix_problem(item)
                if message:
                    problem(field, message)


def _condition_prefix_problem(code: str) -> str | None:
    """Covered conditions name groups of diagnoses (E66 covers E66.811)."""
    if not ICD10_PREFIX.match(code):
        return f"{code} is not an ICD-10-CM category or code (E66, E11.9)"
    try:
        from fitclaim.domain.codes import icd10_prefix_problem
    except ImportError:  # the code set is optional here: the pattern already holds
        return None
    return icd10_prefix_problem(code)


def _check_siblings(
    kind: str, values: Mapping[str, Any], siblings: Iterable[Sibling], problem: Any
) -> None:
    siblings = list(siblings)
    if kind == FundingKind.HSA and any(s.kind == FundingKind.HSA for s in siblings):
        problem("kind", "this client already has an HSA (a person has one)")
    if kind == FundingKind.INSURANCE:
        order = values.get("order")
        if order is None:
            problem("order", "required for an insurance plan (1 for the primary)")
        elif not isinstance(order, int) or order < 1:
            problem("order", "must be 1 (primary) or more")
        elif any(s.kind == FundingKind.INSURANCE and s.order == order for s in siblings):
            problem("order", f"another insurance plan of this client is already number {order}")
