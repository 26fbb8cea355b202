"""The service codes a session can be billed under, and who may bill each.

Payers pay by code. Personal training prescribed as treatment is usually billed
as S9451 (an exercise class by a non-physician provider); the 97xxx therapy codes
are reserved to licensed therapists and physicians, and a claim that puts one
under an unlicensed trainer is denied (and is a compliance problem), so the app
warns the moment such a session is logged (claim check `CODE_NEEDS_LICENSE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Biller(StrEnum):
    """Who may bill a code."""

    # Any trainer: the code itself says "non-physician provider".
    NON_PHYSICIAN = "non_physician"
    # A licensed physical or occupational therapist, or a physician.
    LICENSED_THERAPIST = "licensed_therapist"
    # A qualified non-physician health professional teaching a standardized curriculum.
    EDUCATOR = "educator"
    # A physician-supervised cardiac or pulmonary rehabilitation program.
    REHAB_PROGRAM = "rehab_program"


class Profession(StrEnum):
    """A state license held by the person who renders the service."""

    NONE = "none"
    PT = "pt"
    OT = "ot"
    PHYSICIAN = "physician"


LICENSED: frozenset[Profession] = frozenset({Profession.PT, Profession.OT, Profession.PHYSICIAN})

BILLER_WORDS: dict[Biller, str] = {
    Biller.NON_PHYSICIAN: "any trainer (non-physician provider)",
    Biller.LICENSED_THERAPIST: "a licensed physical or occupational therapist, or a physician",
    Biller.EDUCATOR: "a qualified non-physician health professional (standardized curriculum)",
    Biller.REHAB_PROGRAM: "a physician-supervised rehabilitation program",
}


@dataclass(frozen=True, slots=True)
class ServiceCode:
    """One billable service. `unit_minutes` is the time one unit stands for
    (None: the code is billed per session, whatever its length)."""

    code: str
    description: str
    biller: Biller
    unit_minutes: int | None = None

    @property
    def needs_license(self) -> bool:
        return self.biller is Biller.LICENSED_THERAPIST

    @property
    def who_may_bill(self) -> str:
        return BILLER_WORDS[self.biller]

    @property
    def label(self) -> str:
        return f"{self.code} · {self.description}"


_CODES: tuple[ServiceCode, ...] = (
    ServiceCode(
        "S9451", "Exercise class, non-physician provider, per session", Biller.NON_PHYSICIAN
    ),
    ServiceCode("97110", "Therapeutic exercise, each 15 minutes", Biller.LICENSED_THERAPIST, 15),
    ServiceCode(
        "97112", "Neuromuscular reeducation, each 15 minutes", Biller.LICENSED_THERAPIST, 15
    ),
    ServiceCode(
        "97530", "Therapeutic activities, dynamic, each 15 minutes", Biller.LICENSED_THERAPIST, 15
    ),
    ServiceCode(
        "97750",
        "Physical performance test or measurement, each 15 minutes",
        Biller.LICENSED_THERAPIST,
        15,
    ),
    ServiceCode(
        "98960",
        "Self-management education and training, individual, each 30 minutes",
        Biller.EDUCATOR,
        30,
    ),
    ServiceCode(
        "98961",
        "Self-management education and training, 2-4 patients, each 30 minutes",
        Biller.EDUCATOR,
        30,
    ),
    ServiceCode(
        "98962",
        "Self-management education and training, 5-8 patients, each 30 minutes",
        Biller.EDUCATOR,
        30,
    ),
    ServiceCode(
        "G0422",
        "Intensive cardiac rehabilitation with exercise, per session",
        Biller.REHAB_PROGRAM,
    ),
    ServiceCode(
        "G0424",
        "Pulmonary rehabilitation with exercise, per hour, per session",
        Biller.REHAB_PROGRAM,
    ),
)

CATALOG: dict[str, ServiceCode] = {entry.code: entry for entry in _CODES}
DEFAULT_CODE = "S9451"


def service_code(code: str) -> ServiceCode | None:
    """The catalog entry for a code as typed (case and spaces ignored), or None."""
    return CATALOG.get(code.strip().upper())


def service_code_problem(code: str) -> str | None:
    """Why a code cannot be logged, or None."""
    if not code.strip():
        return "required, for example S9451"
    if service_code(code) is None:
        return f"unknown service code {code.strip()!r}: use one of {', '.join(CATALOG)}"
    return None


def may_bill(code: str, profession: str) -> bool:
    """Whether someone with this license may bill the code. An unknown code is
    not refused here: that is a validation problem, not a billing one."""
    entry = service_code(code)
    if entry is None or not entry.needs_license:
        return True
    return profession in {p.value for p in LICENSED}


def units_for(code: str, minutes: int) -> int:
    """The units a session of this length is billed as: one per session for
    per-session codes; for timed codes a unit per full `unit_minutes`, and one
    more when the remainder is at least half a unit (the CMS "8-minute rule"
    for 15-minute codes), never fewer than 1."""
    entry = service_code(code)
    if entry is None or entry.unit_minutes is None or minutes <= 0:
        return 1
    whole, rest = divmod(minutes, entry.unit_minutes)
    if rest * 2 >= entry.unit_minutes:
        whole += 1
    return max(1, whole)
