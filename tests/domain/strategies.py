"""Hypothesis strategies for engine cases (shared/ENGINE.md, "Input: a case").

`cases()` draws VALID, realistic cases as plain JSON-ready dicts: money as
"85.00" strings, rates as "0.20" strings, dates as ISO strings, counts as ints.

- Every optional field is sometimes omitted, sometimes an explicit `null` and
  sometimes a value, so the defaults of ENGINE.md are exercised both ways.
- The generator leans toward cases where money moves (signed letters covering
  the sessions, receipts, sessions paid in full) while still drawing every
  reason, limit and settlement often enough to matter.
- Ids come from small pools mixing "s10"/"s9", "pa10"/"pa9" and upper case
  ("PA3", "LMN3"), so ordering by code point (never by number, never
  case-insensitively) is exercised; dates and ends often tie.

Hypothesis' cost is per draw, so choices are packed: a subset is one bitmask,
a permutation one Lehmer index, a few categorical choices one mixed-radix
number, and whether an absent field is omitted or written `null` (which never
changes the result) comes from a per-case `style` number. Everything still
shrinks toward the simplest case: fewer objects, defaults, no settlements.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")

# --------------------------------------------------------------------------- vocabulary

CREDENTIAL_CODES = ("ACSM-CEP", "NASM-CES", "ACE-MES")
SERVICE_CODES = ("S9451", "97110", "98960")
# A code no session uses: a covered_codes list can name it and still miss.
COVERABLE_CODES = (*SERVICE_CODES, "97530")
ISSUER_KINDS = (
    "physician",
    "nurse_practitioner",
    "physician_assistant",
    "chiropractor",
    "physical_therapist",
)
# Billable FY2026 ICD-10-CM codes (leaves of the classification).
DIAGNOSES = ("E66.01", "E66.811", "E11.9", "I25.10", "F32.9", "F41.1", "M54.50", "Z47.1")
# Categories, subcategories and codes a plan can cover (prefix match).
CONDITION_PREFIXES = ("E66", "E11", "I25", "F32", "F41", "M54", "E66.0", "E66.8", "Z47", "I25.1")
FACILITIES = ("gym-north", "clinic-a", "pool-east")
# Valid NPIs (Luhn over 80840 + the 10 digits).
NPIS = ("1245319599", "1987654328", "1500000009")
RATES = ("0", "0.1", "0.15", "0.2", "0.20", "0.25", "0.333", "0.5", "0.50", "0.8", "1", "1.0")

TRAINER_IDS = ("t1", "t2", "t3")
LMN_IDS = ("lmn1", "lmn2", "lmn10", "LMN3", "lmn-a")
PREAUTH_IDS = ("pa1", "pa2", "pa9", "pa10", "pa11", "PA3", "pa-x")
INSURANCE_IDS = ("ins1", "ins2", "ins10")
FSA_IDS = ("fsa1", "fsa2", "fsa10")
HSA_IDS = ("hsa1", "HSA")
WELLNESS_IDS = ("well1", "well2", "Well10")
SESSION_IDS = tuple(f"s{n}" for n in range(1, 26))
# Ids a test may add (a future session) without clashing with drawn ones.
EXTRA_SESSION_IDS = tuple(f"s{n}" for n in range(26, 31))

AS_OF_MIN = dt.date(2025, 3, 1)
AS_OF_MAX = dt.date(2027, 10, 31)

PERCENT = st.integers(0, 99)


# --------------------------------------------------------------------------- helpers


def money(cents: int) -> str:
    whole, part = divmod(cents, 100)
    return f"{whole}.{part:02d}"


def iso(day: dt.date) -> str:
    return day.isoformat()


def day_of(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def shift(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


class Gen:
    """One case's drawing context.

    - `style`: a number deciding the fields that never change the result
      (omitted or `null`, informational values); 0 when shrunk.
    - `easy`: about half the cases are "cooperative" (few restrictions, so
      money moves and limits, funds and pre-authorizations get used up); the
      others draw every restriction often.
    - `days`: the session days, drawn first, so that letters, credentials,
      pre-authorizations, periods and deadlines often start or end exactly on
      (or next to) a session's day: the inclusive bounds get exercised.
    """

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any], as_of: dt.date, style: int):
        self.draw = draw
        self.as_of = as_of
        self.style = style
        self.easy = False
        self.days: list[dt.date] = []

    # ---- choices

    def chance(self, percent: int) -> bool:
        """True with about `percent`% probability; shrinks toward False."""
        return self.draw(PERCENT) >= 100 - percent

    def p(self, percent: int, easy: int) -> int:
        """A probability for a restriction: `easy` in a cooperative case."""
        return easy if self.easy else percent

    def near_session(self, percent: int = 12) -> dt.date | None:
        """With `percent`% probability, a session's day or the day before or after it."""
        if self.days and self.chance(percent):
            return shift(self.one_of(self.days), self.one_of([0, 0, -1, 1]))
        return None

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def one_of(self, options: Sequence[T]) -> T:
        """One of `options`; shrinks toward the first."""
        return options[self.integer(0, len(options) - 1)]

    def radix(self, *sizes: int) -> list[int]:
        """Several small independent choices in one draw (all 0 when shrunk)."""
        number = self.integer(0, math.prod(sizes) - 1)
        digits = []
        for size in sizes:
            number, digit = divmod(number, size)
            digits.append(digit)
        return digits

    def subset(self, pool: Sequence[T], min_size: int = 0) -> list[T]:
        """A sub-list of `pool` as one bitmask (order never matters to the engine)."""
        lo = 1 if min_size else 0
        mask = self.integer(lo, 2 ** len(pool) - 1)
        return [item for i, item in enumerate(pool) if mask >> i & 1]

    def permutation(self, items: Sequence[T]) -> list[T]:
        """`items` reordered by one Lehmer index (shrinks to the given order)."""
        pool = list(items)
        index = self.integer(0, math.factorial(len(pool)) - 1)
        out = []
        for size in range(len(pool), 0, -1):
            index, pick = divmod(index, size)
            out.append(pool.pop(pick))
        return out

    def pick(self, pool: Sequence[T], lo: int, hi: int) -> list[T]:
        """Between lo and hi distinct items of `pool`, in a drawn order."""
        return self.permutation(pool)[: self.integer(lo, hi)]

    def date(self, base: dt.date, lo: int, hi: int) -> dt.date:
        """A day between `lo` and `hi` days after `base` (either order; shrinks
        toward `base`, or the bound nearest it)."""
        return shift(base, self.integer(min(lo, hi), max(lo, hi)))

    def cents(self, lo: int, hi: int) -> int:
        return self.integer(lo, hi)

    def rate(self) -> str:
        if self.chance(80):
            return self.one_of(RATES)
        digits = self.integer(1, 4)
        return f"0.{self.integer(0, 10**digits - 1):0{digits}d}"

    # ---- absent fields

    def styled(self, path: str) -> int:
        """A stable 0..5 per field path, from the case's style number (0 when shrunk)."""
        if self.style == 0:
            return 0
        return zlib.crc32(f"{self.style}:{path}".encode()) % 6

    def absent(self, obj: dict[str, Any], key: str, path: str) -> None:
        """Leave the field at its default: omitted, or sometimes an explicit null."""
        if self.styled(path + "." + key) >= 4:
            obj[key] = None

    def option(self, obj: dict[str, Any], key: str, path: str, percent: int, value: Any) -> None:
        """Set obj[key] with `percent`% probability (drawing `value` if it is a
        function of this Gen); otherwise leave it at its default."""
        if self.chance(percent):
            obj[key] = value(self) if callable(value) else value
        else:
            self.absent(obj, key, path)

    def cosmetic(self, obj: dict[str, Any], key: str, path: str, value: Any) -> None:
        """An informational field (never changes the result): from the style number."""
        choice = self.styled(path + "." + key)
        if choice >= 4:
            obj[key] = None
        elif choice >= 2:
            obj[key] = value


# --------------------------------------------------------------------------- parts


def _period(g: Gen) -> dict[str, str]:
    """A plan year near as_of: this calendar year, last year, a mid-year plan,
    a year ending soon, or odd dates (sometimes bounded by a session's day)."""
    as_of = g.as_of
    kind = g.integer(0, 9)
    if g.easy and kind <= 6:  # a plan year covering the last 200 days
        start = g.date(as_of, -200, -364)
        end = shift(start, 364)
    elif kind <= 2:
        start, end = dt.date(as_of.year, 1, 1), dt.date(as_of.year, 12, 31)
    elif kind <= 4 and not g.easy:
        start, end = dt.date(as_of.year - 1, 1, 1), dt.date(as_of.year - 1, 12, 31)
    elif kind <= 6:
        year = as_of.year if as_of.month >= 7 else as_of.year - 1
        start, end = dt.date(year, 7, 1), dt.date(year + 1, 6, 30)
    elif kind <= 8:
        start = g.date(as_of, -200, -364)
        end = shift(start, 364)
    else:
        start = g.near_session(50) or g.date(as_of, -420, 30)
        end = max(start, g.near_session(50) or g.date(start, 0, 400))
    edge = g.near_session(15)  # a period that ends, or starts, on a session's day
    if edge is not None and edge >= start:
        end = edge
    elif edge is not None and edge <= end:
        start = edge
    return {"start": iso(start), "end": iso(end)}


def _trainer(g: Gen, ident: str) -> dict[str, Any]:
    path = f"trainer:{ident}"
    trainer: dict[str, Any] = {"id": ident}
    g.cosmetic(trainer, "name", path, f"Trainer {ident}")
    g.cosmetic(trainer, "npi", path, NPIS[len(ident) % len(NPIS)])
    credentials = []
    for code in g.subset(CREDENTIAL_CODES):
        expires = g.near_session(20) or g.date(g.as_of, 900, -300)
        credential: dict[str, Any] = {"code": code, "expires": iso(expires)}

        def issued(g: Gen, expires: dt.date = expires) -> str:
            day = g.near_session(40)
            return iso(day if day is not None and day <= expires else g.date(expires, 0, -1100))

        g.option(credential, "issued", f"{path}:{code}", 70, issued)
        credentials.append(credential)
    if credentials or g.styled(path + ".credentials") >= 3:
        trainer["credentials"] = credentials
    return trainer


def _lmn(g: Gen, ident: str, trainer_ids: list[str], ends: list[dt.date]) -> dict[str, Any]:
    path = f"lmn:{ident}"
    as_of = g.as_of
    # Mostly a letter for a year that began some months ago; letters often end
    # on the same day, so the tie by id is exercised.
    mode, length_mode, signed = g.radix(5, 5, 8)
    if mode < 3 or g.easy:
        valid_from = g.date(as_of, -200, -400)
    elif mode == 3:
        valid_from = g.near_session(60) or g.date(as_of, 0, -450)
    else:
        valid_from = g.date(as_of, 1, 30)
    if ends and length_mode == 4:
        valid_to = max(valid_from, g.one_of(ends))
    elif length_mode <= 1 or g.easy:
        valid_to = shift(valid_from, 364)
    elif length_mode == 2:
        valid_to = g.date(valid_from, 30, 540)
    else:
        valid_to = max(valid_from, g.near_session(60) or g.date(valid_from, 0, 30))
    ends.append(valid_to)
    issuer: dict[str, Any] = {"kind": ISSUER_KINDS[0] if g.chance(60) else g.one_of(ISSUER_KINDS)}
    g.cosmetic(issuer, "name", path, "Dr. Ana Lee")
    g.cosmetic(issuer, "npi", path, NPIS[0])
    lmn: dict[str, Any] = {
        "id": ident,
        "issuer": issuer,
        "diagnoses": g.pick(DIAGNOSES, 1, 3),
        "valid_from": iso(valid_from),
        "valid_to": iso(valid_to),
    }
    g.cosmetic(lmn, "plan", path, "Supervised resistance and aerobic training, 2x/week")
    if signed < 7 or g.easy:
        lmn["signed_on"] = iso(shift(valid_from, -signed))
    else:
        g.absent(lmn, "signed_on", path)
    g.option(lmn, "sessions_authorized", path, 50, lambda g: g.integer(0, 24))
    if g.chance(g.p(30, 10)):
        lmn["authorized_trainers"] = g.subset(trainer_ids, min_size=1)
    elif g.styled(path + ".authorized_trainers") >= 3:
        lmn["authorized_trainers"] = []
    if g.chance(g.p(30, 10)):
        lmn["authorized_facilities"] = g.subset(FACILITIES, min_size=1)
    elif g.styled(path + ".authorized_facilities") >= 3:
        lmn["authorized_facilities"] = []
    return lmn


def _covered_codes(g: Gen) -> list[str]:
    if g.easy and g.chance(70):
        return list(SERVICE_CODES)
    return g.subset(COVERABLE_CODES)


def _common(g: Gen, source: dict[str, Any], lmn_percent: int) -> str:
    """Options every source kind has: name, requires_lmn, accepted_issuers, covered_codes."""
    path = f"source:{source['id']}"
    g.cosmetic(source, "name", path, f"Plan {source['id']}")
    g.option(source, "requires_lmn", path, 50, lambda g: g.chance(lmn_percent))
    g.option(source, "accepted_issuers", path, g.p(20, 5), lambda g: g.subset(ISSUER_KINDS, 1))
    g.option(source, "covered_codes", path, g.p(30, 15), _covered_codes)
    return path


def _days_to(g: Gen, start: dt.date, percent: int) -> int | None:
    """Days from `start` to as_of, or the day before: a deadline on the edge."""
    if g.chance(percent) and start <= g.as_of:
        return (g.as_of - start).days - g.one_of([0, 1])
    return None


def _insurance(g: Gen, ident: str) -> dict[str, Any]:
    source: dict[str, Any] = {"id": ident, "kind": "insurance", "period": _period(g)}
    path = _common(g, source, 75)
    g.option(source, "covers_training", path, 40, lambda g: not g.chance(g.p(10, 3)))
    g.option(source, "requires_preauthorization", path, 60, lambda g: g.chance(75))
    g.option(
        source, "covered_conditions", path, g.p(40, 10), lambda g: g.subset(CONDITION_PREFIXES, 1)
    )
    g.option(
        source, "required_credentials", path, g.p(25, 8), lambda g: g.subset(CREDENTIAL_CODES, 1)
    )
    g.option(source, "allowed_per_session", path, 60, lambda g: money(g.cents(4000, 12000)))
    deductible = g.one_of([0, 25000, 50000, 100000, 150000])
    g.option(source, "deductible", path, 70, money(deductible))
    if source.get("deductible") is None:
        deductible = 0
    met = [0, deductible, deductible // 2, max(0, deductible - 1)]
    g.option(source, "deductible_met", path, 50, lambda g: money(g.one_of(met)))
    copays = [0, 1000, 2000, 2500, 4000]
    g.option(
        source,
        "copay",
        path,
        60,
        lambda g: money(g.one_of(copays) if g.chance(80) else g.cents(0, 9000)),
    )
    g.option(source, "coinsurance", path, 60, Gen.rate)
    if g.chance(50):
        limit = g.integer(0, 20)
        source["session_limit"] = limit
        g.option(source, "sessions_used", path, 60, lambda g: g.integer(0, limit + 2))
    else:
        g.absent(source, "session_limit", path)
        g.option(source, "sessions_used", path, 30, lambda g: g.integer(0, 10))
    day = g.near_session(15)
    days = _days_to(g, day, 100) if day else None
    if days is not None and days >= 0:
        source["timely_filing_days"] = days
    else:
        filing = [365, 730, 180] if g.easy else [365, 180, 90, 730, 0]
        g.option(source, "timely_filing_days", path, 50, lambda g: g.one_of(filing))
    return source


def _fsa(g: Gen, ident: str) -> dict[str, Any]:
    election = g.cents(0, 300000)
    source: dict[str, Any] = {
        "id": ident,
        "kind": "fsa",
        "period": _period(g),
        "election": money(election),
    }
    path = _common(g, source, 70)
    end = day_of(source["period"]["end"])
    grace = g.near_session(10)
    if grace is not None and grace >= end:
        source["grace_period_days"] = (grace - end).days
    else:
        g.option(source, "grace_period_days", path, 40, lambda g: g.one_of([0, 75, 30]))
    runout = _days_to(g, end, 8)
    if runout is not None and runout >= 0:
        source["runout_days"] = runout
    else:
        g.option(source, "runout_days", path, 50, lambda g: g.one_of([90, 0, 30, 120]))
    used = election if g.chance(10) else g.cents(0, election)
    g.option(source, "used", path, 60, money(used))
    g.option(source, "limited_purpose", path, 40, lambda g: g.chance(g.p(15, 3)))
    return source


def _hsa(g: Gen, ident: str) -> dict[str, Any]:
    established = g.near_session(15) or g.date(g.as_of, -900, -200 if g.easy else 30)
    source: dict[str, Any] = {
        "id": ident,
        "kind": "hsa",
        "established": iso(established),
        "balance": money(g.cents(0, 300000)),
    }
    _common(g, source, 70)
    return source


def _wellness(g: Gen, ident: str) -> dict[str, Any]:
    cap = g.cents(0, 60000)
    source: dict[str, Any] = {
        "id": ident,
        "kind": "wellness",
        "period": _period(g),
        "annual_cap": money(cap),
    }
    path = _common(g, source, 30)
    deadline = _days_to(g, day_of(source["period"]["end"]), 8)
    if deadline is not None and deadline >= 0:
        source["claim_deadline_days"] = deadline
    else:
        g.option(source, "claim_deadline_days", path, 50, lambda g: g.one_of([90, 0, 30, 60]))
    g.option(source, "rate", path, 60, Gen.rate)
    used = cap if g.chance(10) else g.cents(0, cap)
    g.option(source, "used", path, 60, money(used))
    return source


def _preauthorization(g: Gen, ident: str, source: str, ends: list[dt.date]) -> dict[str, Any]:
    path = f"pa:{ident}"
    mode = g.integer(0, 9)
    narrow = 5 <= mode <= 7
    if mode <= 4:  # approved for the last months and on
        valid_from = g.date(g.as_of, -120, -300)
        valid_to = g.date(valid_from, 180, 400)
    elif narrow:  # a few weeks around some session: often inside a broad one
        center = g.near_session(100) or g.date(g.as_of, 0, -200)
        valid_from = g.date(center, 0, -30)
        valid_to = g.date(center, 0, 30)
    elif mode == 8:
        valid_from = g.near_session(50) or g.date(g.as_of, 0, -420)
        valid_to = max(valid_from, g.near_session(50) or g.date(valid_from, 0, 300))
    else:
        valid_from = g.date(g.as_of, 1, 30)
        valid_to = g.date(valid_from, 0, 300)
    if ends and g.chance(25):
        valid_to = max(valid_from, g.one_of(ends))
    ends.append(valid_to)
    statuses = ["approved"] * (8 if g.easy else 3) + ["pending", "denied"]
    status = g.one_of(statuses)
    pa: dict[str, Any] = {
        "id": ident,
        "source": source,
        "status": status,
        "valid_from": iso(valid_from),
        "valid_to": iso(valid_to),
    }
    if status == "approved":
        pa["approved_sessions"] = g.integer(0, 4 if narrow else 10)
    else:
        g.cosmetic(pa, "approved_sessions", path, len(ident))
    g.cosmetic(pa, "reference", path, f"PA-{ident.upper()}")
    return pa


def _session(
    g: Gen, ident: str, day: dt.date, trainer_ids: list[str], sources: list[dict[str, Any]]
) -> dict[str, Any]:
    path = f"session:{ident}"
    trainer, code, facility, receipt = g.radix(len(trainer_ids), 3, 5, 50 if g.easy else 8)
    charge = g.one_of([6000, 8500, 9000, 12000, None, None])
    if charge is None:
        charge = 0 if g.chance(15) else g.cents(0, 25000)
    paid = charge if g.chance(g.p(85, 97)) else g.cents(0, charge)
    session: dict[str, Any] = {
        "id": ident,
        "date": iso(day),
        "trainer": trainer_ids[trainer],
        "code": SERVICE_CODES[code],
        "charge": money(charge),
        "paid": money(paid),
        "receipt": receipt < 7 if not g.easy else receipt < 49,
    }
    if facility >= 2:
        session["facility"] = FACILITIES[facility - 2]
    elif facility == 1:
        session["facility"] = None
    g.cosmetic(session, "units", path, 1 + len(ident) % 3)
    settled = []
    if sources and g.chance(g.p(20, 25)):
        left = paid
        for source in g.pick(sources, 1, 3):
            amount = left if g.chance(30) else g.cents(0, left)
            left -= amount
            entry: dict[str, Any] = {"source": source["id"], "amount": money(amount)}
            if source["kind"] == "insurance":
                g.option(entry, "deductible", path, 40, lambda g: money(g.cents(0, charge)))
            settled.append(entry)
    if settled or g.styled(path + ".settled") >= 4:
        session["settled"] = settled
    return session


def _session_day(g: Gen) -> dt.date:
    """About twice a week over the last months, some on the same day (so the
    tie by id is exercised), a few after as_of."""
    mode = g.integer(0, 19)
    if g.days and mode >= 15:
        return g.one_of(g.days)
    if mode == 14:
        return g.date(g.as_of, 1, 60)
    if mode == 13 and not g.easy:
        return g.date(g.as_of, -200, -420)
    return g.date(g.as_of, 0, -200)


# --------------------------------------------------------------------------- case


@st.composite
def cases(draw: Any, max_sessions: int = 25) -> dict[str, Any]:
    """A valid, realistic engine case as a JSON-ready dict."""
    as_of = draw(st.dates(AS_OF_MIN, AS_OF_MAX))
    g = Gen(draw, as_of, draw(st.integers(0, 2**20)))
    g.easy = g.chance(50)

    count = g.integer(0, max_sessions)
    chosen = g.subset(SESSION_IDS)
    session_ids = (chosen + [i for i in SESSION_IDS if i not in chosen])[:count]
    for _ in session_ids:
        g.days.append(_session_day(g))

    client: dict[str, Any] = {"id": "c1"}
    g.cosmetic(client, "name", "client", "Dana Reyes")
    g.cosmetic(client, "birth_date", "client", "1971-04-09")
    g.cosmetic(client, "conditions", "client", list(DIAGNOSES[: g.styled("client.n")]))

    trainer_ids = list(TRAINER_IDS[: g.integer(1, 3)])
    trainers = [_trainer(g, ident) for ident in trainer_ids]

    lmn_ends: list[dt.date] = []
    lmn_ids = g.pick(LMN_IDS, 1 if g.easy else 0, 4)
    lmns = [_lmn(g, ident, trainer_ids, lmn_ends) for ident in lmn_ids]

    counts = g.radix(3, 3, 2, 3)
    sources: list[dict[str, Any]] = []
    sources += [_insurance(g, ident) for ident in g.pick(INSURANCE_IDS, counts[0], counts[0])]
    sources += [_fsa(g, ident) for ident in g.pick(FSA_IDS, counts[1], counts[1])]
    sources += [_hsa(g, ident) for ident in g.pick(HSA_IDS, counts[2], counts[2])]
    sources += [_wellness(g, ident) for ident in g.pick(WELLNESS_IDS, counts[3], counts[3])]
    sources = g.permutation(sources)

    preauths: list[dict[str, Any]] = []
    pa_ids = iter(g.permutation(PREAUTH_IDS))
    pa_ends: list[dt.date] = []
    for source in sources:
        if source["kind"] == "insurance":
            for _ in range(g.integer(1 if g.easy else 0, 3)):
                preauths.append(_preauthorization(g, next(pa_ids), source["id"], pa_ends))
    preauths = g.permutation(preauths)

    sessions = [
        _session(g, ident, day, trainer_ids, sources)
        for ident, day in zip(session_ids, g.days, strict=True)
    ]

    case: dict[str, Any] = {"as_of": iso(as_of), "client": client}
    for key, values in (
        ("trainers", trainers),
        ("lmns", lmns),
        ("preauthorizations", preauths),
        ("sources", sources),
        ("sessions", sessions),
    ):
        if values or g.styled("case." + key) >= 3:
            case[key] = values
        else:
            g.absent(case, key, "case")

    others = [s["id"] for s in sources if s["kind"] != "insurance"]
    g.option(case, "priority", "case", 40, lambda g: g.permutation(others))
    g.option(case, "strategy", "case", 40, lambda g: g.one_of(["maximize_now", "preserve_hsa"]))
    return case


@st.composite
def future_sessions(draw: Any, case: dict[str, Any]) -> dict[str, Any]:
    """A session dated after `case`'s as_of, with an id the case does not use."""
    as_of = day_of(case["as_of"])
    g = Gen(draw, as_of, draw(st.integers(0, 2**20)))
    used = {s["id"] for s in case.get("sessions") or ()}
    ident = g.one_of([i for i in SESSION_IDS + EXTRA_SESSION_IDS if i not in used])
    trainer_ids = [t["id"] for t in case.get("trainers") or ()]
    return _session(g, ident, g.date(as_of, 1, 400), trainer_ids, case.get("sources") or [])
