"""The engine's input, a case, as pydantic models: the published schema and the
field-level checks (types, patterns, unknown keys, required keys).

Relations between fields and references between objects are checked in
`case_checks`, which reports them even when other fields are malformed, so one
run names every problem of a case.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from fitclaim.domain.codes import icd10_prefix_problem, icd10_problem, npi_problem
from fitclaim.domain.money import MONEY_RE, RATE_RE

DATE_MIN_LEN = 10


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


def _money(text: str) -> str:
    if MONEY_RE.match(text) is None:
        raise ValueError('must be money: a string with two decimals such as "85.00", not negative')
    return text


def _rate(text: str) -> str:
    if RATE_RE.match(text) is None:
        raise ValueError('must be a rate from 0 to 1 written as a string such as "0.20"')
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


Date = Annotated[StrictStr, AfterValidator(_date)]
Money = Annotated[StrictStr, AfterValidator(_money)]
Rate = Annotated[StrictStr, AfterValidator(_rate)]
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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Client(Strict):
    id: Id
    name: StrictStr | None = None
    birth_date: Date | None = None
    conditions: list[BillableCode] | None = None


class Credential(Strict):
    code: Name
    issued: Date | None = None
    expires: Date


class Trainer(Strict):
    id: Id
    name: StrictStr | None = None
    npi: Npi | None = None
    credentials: list[Credential] | None = None


class Issuer(Strict):
    kind: IssuerKind
    name: StrictStr | None = None
    npi: Npi | None = None


class Lmn(Strict):
    id: Id
    issuer: Issuer
    diagnoses: Annotated[list[BillableCode], Field(min_length=1)]
    plan: StrictStr | None = None
    valid_from: Date
    valid_to: Date
    signed_on: Date | None = None
    sessions_authorized: Count | None = None
    authorized_trainers: list[Id] | None = None
    authorized_facilities: list[Name] | None = None


class Preauthorization(Strict):
    id: Id
    source: Id
    status: Literal["approved", "pending", "denied"]
    valid_from: Date
    valid_to: Date
    approved_sessions: Count | None = None
    reference: StrictStr | None = None


class Period(Strict):
    start: Date
    end: Date


class InsuranceSource(Strict):
    id: Id
    kind: Literal["insurance"]
    name: StrictStr | None = None
    period: Period
    covers_training: StrictBool | None = None
    requires_lmn: StrictBool | None = None
    requires_preauthorization: StrictBool | None = None
    accepted_issuers: list[IssuerKind] | None = None
    covered_conditions: list[ConditionPrefix] | None = None
    covered_codes: list[Name] | None = None
    required_credentials: list[Name] | None = None
    allowed_per_session: Money | None = None
    deductible: Money | None = None
    deductible_met: Money | None = None
    copay: Money | None = None
    coinsurance: Rate | None = None
    session_limit: Count | None = None
    sessions_used: Count | None = None
    timely_filing_days: Days | None = None


class FsaSource(Strict):
    id: Id
    kind: Literal["fsa"]
    name: StrictStr | None = None
    period: Period
    election: Money
    grace_period_days: Days | None = None
    runout_days: Days | None = None
    used: Money | None = None
    limited_purpose: StrictBool | None = None
    requires_lmn: StrictBool | None = None
    accepted_issuers: list[IssuerKind] | None = None
    covered_codes: list[Name] | None = None


class HsaSource(Strict):
    id: Id
    kind: Literal["hsa"]
    name: StrictStr | None = None
    established: Date
    balance: Money
    requires_lmn: StrictBool | None = None
    accepted_issuers: list[IssuerKind] | None = None
    covered_codes: list[Name] | None = None


class WellnessSource(Strict):
    id: Id
    kind: Literal["wellness"]
    name: StrictStr | None = None
    period: Period
    annual_cap: Money
    claim_deadline_days: Days | None = None
    rate: Rate | None = None
    used: Money | None = None
    requires_lmn: StrictBool | None = None
    accepted_issuers: list[IssuerKind] | None = None
    covered_codes: list[Name] | None = None


Source = Annotated[
    InsuranceSource | FsaSource | HsaSource | WellnessSource, Field(discriminator="kind")
]
SOURCE_KINDS = ("insurance", "fsa", "hsa", "wellness")


class Settlement(Strict):
    source: Id
    amount: Money
    # Only for an insurance source; case_checks reports it elsewhere as an unknown key.
    deductible: Money | None = None


class Session(Strict):
    id: Id
    date: Date
    trainer: Id
    facility: Name | None = None
    code: Name
    units: Units | None = None
    charge: Money
    paid: Money
    receipt: StrictBool
    settled: list[Settlement] | None = None


class Case(Strict):
    """One client's case: everything the engine needs to decide, as of a day."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        title="fitclaim engine case",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    as_of: Date
    client: Client
    trainers: list[Trainer] | None = None
    lmns: list[Lmn] | None = None
    preauthorizations: list[Preauthorization] | None = None
    sources: list[Source] | None = None
    sessions: list[Session] | None = None
    priority: list[Id] | None = None
    strategy: Literal["maximize_now", "preserve_hsa"] | None = None
