"""The engine's input, a case, as typed dicts checked by pydantic: the published schema and the
field-level checks (types, patterns, unknown keys, required keys).

Relations between fields and references between objects are checked in
`case_checks`, which reports them even when other fields are malformed, so one
run names every problem of a case.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Literal, NotRequired

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    TypeAdapter,
)
from typing_extensions import TypedDict

from fitclaim.domain.codes import icd10_prefix_problem, icd10_problem, npi_problem
from fitclaim.domain.money import MONEY_PATTERN, RATE_PATTERN

DATE_MIN_LEN = 10
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PATTERN_MESSAGES = {
    DATE_PATTERN: "must be a date written YYYY-MM-DD",
    MONEY_PATTERN: 'must be money: a string with two decimals such as "85.00", not negative',
    RATE_PATTERN: 'must be a rate from 0 to 1 written as a string such as "0.20"',
}


@lru_cache(maxsize=65536)
def parse_iso_date(text: str) -> dt.date | None:
    """A real calendar date written YYYY-MM-DD, or None."""
    if len(text) != DATE_MIN_LEN or text[4] != "-" or text[7] != "-":
        return None
    year, month, day = text[:4], text[5:7], text[8:]
    if not (year.isascii() and year.isdigit() and month.isdigit() and day.isdigit()):
        return None
    if not (month.isascii() and day.isascii()):
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _date(text: str) -> str:
    if parse_iso_date(text) is None:
        raise ValueError("must be a real calendar date written YYYY-MM-DD")
    return text


def _billable(code: str) -> str:
    problem = icd10_problem(code)
    if problem is not None:
        raise ValueError(problem)
    return code


def _icd_prefix(code: str) -> str:
    problem = icd10_prefix_problem(code)
    if problem is not None:
        raise ValueError(problem)
    return code


def _npi(npi: str) -> str:
    problem = npi_problem(npi)
    if problem is not None:
        raise ValueError(problem)
    return npi


# Patterns are checked by pydantic-core; only the calendar check calls Python.
Date = Annotated[StrictStr, StringConstraints(pattern=DATE_PATTERN), AfterValidator(_date)]
Money = Annotated[StrictStr, StringConstraints(pattern=MONEY_PATTERN)]
Rate = Annotated[StrictStr, StringConstraints(pattern=RATE_PATTERN)]
Name = Annotated[StrictStr, Field(min_length=1)]
Id = Annotated[StrictStr, Field(min_length=1)]
Count = Annotated[StrictInt, Field(ge=0)]
Days = Annotated[StrictInt, Field(ge=0, le=36500)]
Units = Annotated[StrictInt, Field(ge=1)]
BillableCode = Annotated[StrictStr, AfterValidator(_billable)]
ConditionPrefix = Annotated[StrictStr, AfterValidator(_icd_prefix)]
Npi = Annotated[StrictStr, AfterValidator(_npi)]
IssuerKind = Literal[
    "physician", "nurse_practitioner", "physician_assistant", "chiropractor", "physical_therapist"
]


STRICT = ConfigDict(extra="forbid", strict=True)


class Strict(TypedDict):
    """An object of the case: unknown keys and loose types are refused. Optional
    keys may be omitted or null; the engine applies ENGINE.md's defaults."""

    __pydantic_config__ = STRICT  # type: ignore[misc]


class Client(Strict):
    id: Id
    name: NotRequired[StrictStr | None]
    birth_date: NotRequired[Date | None]
    conditions: NotRequired[list[BillableCode] | None]


class Credential(Strict):
    code: Name
    issued: NotRequired[Date | None]
    expires: Date


class Trainer(Strict):
    id: Id
    name: NotRequired[StrictStr | None]
    npi: NotRequired[Npi | None]
    credentials: NotRequired[list[Credential] | None]


class Issuer(Strict):
    kind: IssuerKind
    name: NotRequired[StrictStr | None]
    npi: NotRequired[Npi | None]


class Lmn(Strict):
    id: Id
    issuer: Issuer
    diagnoses: Annotated[list[BillableCode], Field(min_length=1)]
    plan: NotRequired[StrictStr | None]
    valid_from: Date
    valid_to: Date
    signed_on: NotRequired[Date | None]
    sessions_authorized: NotRequired[Count | None]
    authorized_trainers: NotRequired[list[Id] | None]
    authorized_facilities: NotRequired[list[Name] | None]


class Preauthorization(Strict):
    id: Id
    source: Id
    status: Literal["approved", "pending", "denied"]
    valid_from: Date
    valid_to: Date
    approved_sessions: NotRequired[Count | None]
    reference: NotRequired[StrictStr | None]


class Period(Strict):
    start: Date
    end: Date


class InsuranceSource(Strict):
    id: Id
    kind: Literal["insurance"]
    name: NotRequired[StrictStr | None]
    period: Period
    covers_training: NotRequired[StrictBool | None]
    requires_lmn: NotRequired[StrictBool | None]
    requires_preauthorization: NotRequired[StrictBool | None]
    accepted_issuers: NotRequired[list[IssuerKind] | None]
    covered_conditions: NotRequired[list[ConditionPrefix] | None]
    covered_codes: NotRequired[list[Name] | None]
    required_credentials: NotRequired[list[Name] | None]
    allowed_per_session: NotRequired[Money | None]
    deductible: NotRequired[Money | None]
    deductible_met: NotRequired[Money | None]
    copay: NotRequired[Money | None]
    coinsurance: NotRequired[Rate | None]
    session_limit: NotRequired[Count | None]
    sessions_used: NotRequired[Count | None]
    timely_filing_days: NotRequired[Days | None]


class FsaSource(Strict):
    id: Id
    kind: Literal["fsa"]
    name: NotRequired[StrictStr | None]
    period: Period
    election: Money
    grace_period_days: NotRequired[Days | None]
    runout_days: NotRequired[Days | None]
    used: NotRequired[Money | None]
    limited_purpose: NotRequired[StrictBool | None]
    requires_lmn: NotRequired[StrictBool | None]
    accepted_issuers: NotRequired[list[IssuerKind] | None]
    covered_codes: NotRequired[list[Name] | None]


class HsaSource(Strict):
    id: Id
    kind: Literal["hsa"]
    name: NotRequired[StrictStr | None]
    established: Date
    balance: Money
    requires_lmn: NotRequired[StrictBool | None]
    accepted_issuers: NotRequired[list[IssuerKind] | None]
    covered_codes: NotRequired[list[Name] | None]


class WellnessSource(Strict):
    id: Id
    kind: Literal["wellness"]
    name: NotRequired[StrictStr | None]
    period: Period
    annual_cap: Money
    claim_deadline_days: NotRequired[Days | None]
    rate: NotRequired[Rate | None]
    used: NotRequired[Money | None]
    requires_lmn: NotRequired[StrictBool | None]
    accepted_issuers: NotRequired[list[IssuerKind] | None]
    covered_codes: NotRequired[list[Name] | None]


Source = Annotated[
    InsuranceSource | FsaSource | HsaSource | WellnessSource, Field(discriminator="kind")
]
SOURCE_KINDS = ("insurance", "fsa", "hsa", "wellness")


class Settlement(Strict):
    source: Id
    amount: Money
    # Only for an insurance source; case_checks reports it elsewhere as an unknown key.
    deductible: NotRequired[Money | None]


class Session(Strict):
    id: Id
    date: Date
    trainer: Id
    facility: NotRequired[Name | None]
    code: Name
    units: NotRequired[Units | None]
    charge: Money
    paid: Money
    receipt: StrictBool
    settled: NotRequired[list[Settlement] | None]


class Case(Strict):
    """One client's case: everything the engine needs to decide, as of a day."""

    as_of: Date
    client: Client
    trainers: NotRequired[list[Trainer] | None]
    lmns: NotRequired[list[Lmn] | None]
    preauthorizations: NotRequired[list[Preauthorization] | None]
    sources: NotRequired[list[Source] | None]
    sessions: NotRequired[list[Session] | None]
    priority: NotRequired[list[Id] | None]
    strategy: NotRequired[Literal["maximize_now", "preserve_hsa"] | None]


# Validation only: the engine builds its own model from the checked JSON.
CASE_ADAPTER: TypeAdapter[Case] = TypeAdapter(Case)
