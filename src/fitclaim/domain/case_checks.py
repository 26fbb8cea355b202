"""Validation of a whole case: every problem, each named by its JSON path.

Field-level problems come from the pydantic models of `case_input`. The rules
that relate fields or objects (references, unique ids, periods, paid <= charge,
dates the procedure would compute past 9999-12-31) are checked here on the raw
JSON, skipping any value that already has a field-level problem, so a single run
reports everything wrong with a case.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import ValidationError

from fitclaim.domain.case_input import CASE_ADAPTER, PATTERN_MESSAGES, SOURCE_KINDS, parse_iso_date
from fitclaim.domain.money import cents_from_str

Loc = tuple[str | int, ...]
MAX_ORDINAL = dt.date.max.toordinal()

# The day counts added to a period's end, with the default that applies when a
# case leaves them out (ENGINE.md, "The fields").
DAYS_FROM_PERIOD_END: dict[str, tuple[tuple[str, int], ...]] = {
    "fsa": (("grace_period_days", 0), ("runout_days", 90)),
    "wellness": (("claim_deadline_days", 90),),
}
DEFAULT_TIMELY_FILING_DAYS = 365


@dataclass(frozen=True, slots=True)
class Problem:
    loc: Loc
    message: str

    @property
    def path(self) -> str:
        return format_path(self.loc)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidCase(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def format_path(loc: Loc) -> str:
    """('sessions', 3, 'date') -> 'sessions[3].date'; the root is '$'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "$"


_PYDANTIC_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "required",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "too_short": "must not be empty",
    "string_too_short": "must not be empty",
}


def _problem_from_pydantic(error: Any) -> Problem:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    # A source's loc carries the discriminator's tag after the index: drop it.
    if len(loc) >= 3 and loc[0] == "sources" and loc[2] in SOURCE_KINDS:
        loc = loc[:2] + loc[3:]
    if kind == "union_tag_not_found":
        return Problem((*loc, "kind"), "required")
    if kind == "union_tag_invalid":
        return Problem((*loc, "kind"), "must be one of insurance, fsa, hsa, wellness")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return Problem(loc, f"must be one of {expected}")
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return Problem(loc, PATTERN_MESSAGES.get(pattern, "has the wrong form"))
    if kind == "value_error":
        return Problem(loc, str(error["ctx"]["error"]))
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = error["ctx"].get("ge", error["ctx"].get("le"))
        word = "at least" if kind == "greater_than_equal" else "at most"
        return Problem(loc, f"must be an integer {word} {bound}")
    if kind == "model_type" and not loc:
        return Problem(loc, "the case must be a JSON object")
    message = _PYDANTIC_MESSAGES.get(kind) or error["msg"][:1].lower() + error["msg"][1:]
    return Problem(loc, message)


class _Tainted:
    """The set of paths with field-level problems: a relation check that reads a
    value at or under one of them is skipped (the problem is already reported)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.paths = {p.loc for p in problems}

    def ok(self, loc: Loc) -> bool:
        if not self.paths:
            return True
        return all(loc[:end] not in self.paths for end in range(1, len(loc) + 1))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _relation_problems(raw: dict[str, Any], tainted: _Tainted) -> list[Problem]:
    problems: list[Problem] = []
    ok = tainted.ok

    def ordered(first: Loc, second: Loc, a: Any, b: Any, message: str) -> None:
        # Dates written YYYY-MM-DD compare as strings; both must be well-formed.
        if a is not None and b is not None and ok(first) and ok(second) and a > b:
            problems.append(Problem(second, message))

    def unique_ids(name: str) -> dict[str, int]:
        seen: dict[str, int] = {}
        for i, item in enumerate(_as_list(raw.get(name))):
            ident = _as_dict(item).get("id")
            if isinstance(ident, str) and ok((name, i, "id")):
                if ident in seen:
                    problems.append(Problem((name, i, "id"), f"duplicate id {ident!r}"))
                else:
                    seen[ident] = i
        return seen

    # References resolve against every well-formed id, duplicates included, so a
    # duplicate is reported once, at its own path.
    trainer_ids = unique_ids("trainers")
    unique_ids("lmns")
    unique_ids("preauthorizations")
    source_index = unique_ids("sources")
    unique_ids("sessions")
    source_kind = {
        ident: _as_dict(raw["sources"][i]).get("kind") for ident, i in source_index.items()
    }

    for i, trainer in enumerate(_as_list(raw.get("trainers"))):
        for j, cred in enumerate(_as_list(_as_dict(trainer).get("credentials"))):
            cred = _as_dict(cred)
            base: Loc = ("trainers", i, "credentials", j)
            ordered(
                (*base, "issued"),
                (*base, "expires"),
                cred.get("issued"),
                cred.get("expires"),
                "expires before it was issued",
            )

    for i, lmn in enumerate(_as_list(raw.get("lmns"))):
        lmn = _as_dict(lmn)
        ordered(
            ("lmns", i, "valid_from"),
            ("lmns", i, "valid_to"),
            lmn.get("valid_from"),
            lmn.get("valid_to"),
            "ends before valid_from",
        )
        for k, trainer in enumerate(_as_list(lmn.get("authorized_trainers"))):
            loc: Loc = ("lmns", i, "authorized_trainers", k)
            if isinstance(trainer, str) and ok(loc) and trainer not in trainer_ids:
                problems.append(Problem(loc, f"unknown trainer {trainer!r}"))

    for i, pa in enumerate(_as_list(raw.get("preauthorizations"))):
        pa = _as_dict(pa)
        ordered(
            ("preauthorizations", i, "valid_from"),
            ("preauthorizations", i, "valid_to"),
            pa.get("valid_from"),
            pa.get("valid_to"),
            "ends before valid_from",
        )
        source = pa.get("source")
        loc = ("preauthorizations", i, "source")
        if isinstance(source, str) and ok(loc):
            if source not in source_index:
                problems.append(Problem(loc, f"unknown source {source!r}"))
            elif source_kind[source] != "insurance":
                problems.append(Problem(loc, f"{source!r} is not an insurance source"))
        status_loc: Loc = ("preauthorizations", i, "status")
        if (
            pa.get("status") == "approved"
            and ok(status_loc)
            and pa.get("approved_sessions") is None
            and ok(("preauthorizations", i, "approved_sessions"))
        ):
            problems.append(
                Problem(("preauthorizations", i, "approved_sessions"), "required when approved")
            )

    hsa_seen = False
    for i, src in enumerate(_as_list(raw.get("sources"))):
        src = _as_dict(src)
        kind = src.get("kind")
        if kind not in SOURCE_KINDS or not ok(("sources", i, "kind")):
            continue
        if kind == "hsa":
            if hsa_seen:
                problems.append(
                    Problem(("sources", i, "kind"), "a case has at most one hsa source")
                )
            hsa_seen = True
        period = _as_dict(src.get("period"))
        ordered(
            ("sources", i, "period", "start"),
            ("sources", i, "period", "end"),
            period.get("start"),
            period.get("end"),
            "ends before the period starts",
        )
        pairs = {
            "insurance": ("deductible", "deductible_met", "is above the deductible"),
            "fsa": ("election", "used", "is above the election"),
            "wellness": ("annual_cap", "used", "is above the annual cap"),
        }
        if kind in pairs:
            limit_key, used_key, message = pairs[kind]
            limit, used = src.get(limit_key), src.get(used_key)
            if (
                used is not None
                and ok(("sources", i, used_key))
                and ok(("sources", i, limit_key))
                and cents_from_str(used) > (cents_from_str(limit) if limit is not None else 0)
            ):
                problems.append(Problem(("sources", i, used_key), message))
        # Dates the procedure computes from the period's end must exist.
        end = period.get("end")
        if end is not None and ok(("sources", i, "period", "end")):
            end_ordinal = parse_iso_date(end).toordinal()  # type: ignore[union-attr]
            for key, default in DAYS_FROM_PERIOD_END.get(kind, ()):
                days = src.get(key)
                if days is None:
                    days = default
                if isinstance(days, int) and ok(("sources", i, key)):
                    if end_ordinal + days > MAX_ORDINAL:
                        problems.append(Problem(("sources", i, key), "reaches past 9999-12-31"))

    as_of = raw.get("as_of") if ok(("as_of",)) else None
    latest_included: str | None = None
    for i, session in enumerate(_as_list(raw.get("sessions"))):
        session = _as_dict(session)
        trainer = session.get("trainer")
        if isinstance(trainer, str) and ok(("sessions", i, "trainer")):
            if trainer not in trainer_ids:
                problems.append(Problem(("sessions", i, "trainer"), f"unknown trainer {trainer!r}"))
        paid, charge = session.get("paid"), session.get("charge")
        paid_ok = ok(("sessions", i, "paid")) and isinstance(paid, str)
        if paid_ok and ok(("sessions", i, "charge")) and isinstance(charge, str):
            if cents_from_str(str(paid)) > cents_from_str(charge):
                problems.append(Problem(("sessions", i, "paid"), "is above the charge"))
        settled_sources: set[str] = set()
        settled_total = 0
        settled_complete = True
        for j, entry in enumerate(_as_list(session.get("settled"))):
            entry = _as_dict(entry)
            base = ("sessions", i, "settled", j)
            source = entry.get("source")
            if isinstance(source, str) and ok((*base, "source")):
                if source not in source_index:
                    problems.append(Problem((*base, "source"), f"unknown source {source!r}"))
                elif source in settled_sources:
                    problems.append(
                        Problem((*base, "source"), f"a second settlement for {source!r}")
                    )
                else:
                    settled_sources.add(source)
                    if (
                        "deductible" in entry
                        and source_kind[source] != "insurance"
                        and ok((*base, "deductible"))
                    ):
                        problems.append(Problem((*base, "deductible"), "unknown key"))
            amount = entry.get("amount")
            if amount is not None and ok((*base, "amount")):
                settled_total += cents_from_str(amount)
            else:
                settled_complete = False
        if paid_ok and settled_complete and settled_total > cents_from_str(str(paid)):
            problems.append(Problem(("sessions", i, "paid"), "is below the settled amounts"))
        # Insurance claim deadlines are computed for sessions on or before as_of:
        # the latest of them decides whether any deadline passes 9999-12-31.
        date = session.get("date")
        if (
            as_of is not None
            and isinstance(date, str)
            and date <= as_of
            and (latest_included is None or date > latest_included)
            and ok(("sessions", i, "date"))
        ):
            latest_included = date

    if latest_included is not None:
        latest = parse_iso_date(latest_included).toordinal()  # type: ignore[union-attr]
        for s, src in enumerate(_as_list(raw.get("sources"))):
            src = _as_dict(src)
            days = src.get("timely_filing_days")
            if days is None:
                days = DEFAULT_TIMELY_FILING_DAYS
            if (
                src.get("kind") == "insurance"
                and isinstance(days, int)
                and ok(("sources", s, "timely_filing_days"))
                and latest + days > MAX_ORDINAL
            ):
                problems.append(
                    Problem(("sources", s, "timely_filing_days"), "reaches past 9999-12-31")
                )

    priority = raw.get("priority")
    if isinstance(priority, list) and ok(("priority",)):
        listed: set[str] = set()
        for j, ident in enumerate(priority):
            loc = ("priority", j)
            if not isinstance(ident, str) or not ok(loc):
                continue
            if ident not in source_index:
                problems.append(Problem(loc, f"unknown source {ident!r}"))
            elif source_kind[ident] == "insurance":
                problems.append(Problem(loc, "insurance sources are not ordered by priority"))
            elif ident in listed:
                problems.append(Problem(loc, f"{ident!r} is listed twice"))
            else:
                listed.add(ident)
        missing = [
            ident
            for ident, kind in source_kind.items()
            if kind in ("fsa", "hsa", "wellness") and ident not in listed
        ]
        if missing:
            problems.append(Problem(("priority",), f"leaves out {', '.join(sorted(missing))}"))
    return problems


def _count_keys(value: Any) -> int:
    count = 0
    if isinstance(value, dict):
        count = len(value)
        for item in value.values():
            if isinstance(item, (dict, list)):
                count += _count_keys(item)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)):
                count += _count_keys(item)
    return count


def _exact_json(payload: bytes) -> Any:
    """The standard library's reading: integers of any size, and duplicate keys
    refused (a JSON object with duplicate keys is not a valid case)."""

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise ValueError(f"duplicate key {key!r}")
                seen.add(key)
        return obj

    def refuse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        text = payload.decode("utf-8")
        return json.loads(text, object_pairs_hook=pairs_hook, parse_constant=refuse_constant)
    except UnicodeDecodeError as exc:
        raise InvalidCase([Problem((), "not UTF-8 text")]) from exc
    except ValueError as exc:
        raise InvalidCase([Problem((), f"not valid JSON: {exc}")]) from exc


def parse_case(payload: bytes) -> Any:
    """The JSON of a case, read fast by orjson and exactly where it matters.

    orjson keeps the last of duplicate keys and reads integers beyond 64 bits as
    floats. Every key of a text is followed by a colon, so when the text has no
    more colons than the parsed objects have keys, no key was repeated; otherwise
    (a colon inside a string, or a duplicate) the standard library reads it again.
    """
    try:
        parsed = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return _exact_json(payload)
    if payload.count(b":") != _count_keys(parsed):
        return _exact_json(payload)
    return parsed


def checked_case(payload: bytes) -> Any:
    """Parse and validate a case; raise InvalidCase naming every problem."""
    raw = parse_case(payload)
    problems = case_problems(raw)
    if problems:
        # A huge integer read as a float by the fast reader must not be reported
        # as "not an integer": the exact reading decides.
        exact = _exact_json(payload)
        problems = case_problems(exact)
        if not problems:
            return exact
        raise InvalidCase(problems)
    return raw


def case_problems(raw: Any) -> list[Problem]:
    """Every problem of a parsed JSON case; empty when the case is valid."""
    if not isinstance(raw, dict):
        return [Problem((), "the case must be a JSON object")]
    try:
        CASE_ADAPTER.validate_python(raw)
        field_problems: list[Problem] = []
    except ValidationError as exc:
        field_problems = [_problem_from_pydantic(e) for e in exc.errors()]
    return field_problems + _relation_problems(raw, _Tainted(field_problems))
