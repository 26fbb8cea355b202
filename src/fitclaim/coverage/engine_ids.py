"""The engine's ids for database records, in one place.

A case (shared/ENGINE.md) names every object by a string id. fitclaim builds
them from primary keys with a prefix per kind, so an id read back from a result
(an action's sessions, a decision's source) leads to its record, and ids of
different kinds never collide:

| kind               | id              |
|--------------------|-----------------|
| client             | `client-<pk>`   |
| trainer            | `trn-<pk>`      |
| facility           | `fac-<pk>`      |
| funding source     | `src-<pk>`      |
| letter (LMN)       | `lmn-<pk>`      |
| pre-authorization  | `pa-<pk>`       |
| session            | `ses-<pk>`      |

The engine orders ids by code point ("ses-10" < "ses-9"); that only breaks ties
between sessions on the same day, and nothing here relies on numeric order.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    CLIENT = "client"
    TRAINER = "trn"
    FACILITY = "fac"
    SOURCE = "src"
    LMN = "lmn"
    PREAUTHORIZATION = "pa"
    SESSION = "ses"


class NotAnEngineId(ValueError):
    """A string that is not the engine id of a record of the expected kind."""


def _make(kind: Kind, pk: int) -> str:
    if isinstance(pk, bool) or not isinstance(pk, int) or pk <= 0:
        raise ValueError(f"a primary key is a positive integer, not {pk!r}")
    return f"{kind.value}-{pk}"


def client_id(pk: int) -> str:
    return _make(Kind.CLIENT, pk)


def trainer_id(pk: int) -> str:
    return _make(Kind.TRAINER, pk)


def facility_id(pk: int) -> str:
    return _make(Kind.FACILITY, pk)


def source_id(pk: int) -> str:
    return _make(Kind.SOURCE, pk)


def lmn_id(pk: int) -> str:
    return _make(Kind.LMN, pk)


def preauthorization_id(pk: int) -> str:
    return _make(Kind.PREAUTHORIZATION, pk)


def session_id(pk: int) -> str:
    return _make(Kind.SESSION, pk)


def parse(engine_id: str) -> tuple[Kind, int]:
    """("ses-12") -> (Kind.SESSION, 12). Raises NotAnEngineId for anything else,
    including leading zeros or signs, so one record has exactly one id."""
    prefix, dash, number = str(engine_id).partition("-")
    try:
        kind = Kind(prefix)
    except ValueError:
        raise NotAnEngineId(f"not an engine id: {engine_id!r}") from None
    if not dash or not number.isascii() or not number.isdigit() or number.startswith("0"):
        raise NotAnEngineId(f"not an engine id: {engine_id!r}")
    return kind, int(number)


def pk_of(engine_id: str, kind: Kind) -> int:
    """The primary key behind an engine id of the given kind."""
    found, pk = parse(engine_id)
    if found is not kind:
        raise NotAnEngineId(f"{engine_id!r} is not a {kind.name.lower()} id")
    return pk


def client_pk(engine_id: str) -> int:
    return pk_of(engine_id, Kind.CLIENT)


def trainer_pk(engine_id: str) -> int:
    return pk_of(engine_id, Kind.TRAINER)


def facility_pk(engine_id: str) -> int:
    return pk_of(engine_id, Kind.FACILITY)


def source_pk(engine_id: str) -> int:
    return pk_of(engine_id, Kind.SOURCE)


def lmn_pk(engine_id: str) -> int:
    return pk_of(engine_id, Kind.LMN)


def preauthorization_pk(engine_id: str) -> int:
    return pk_of(engine_id, Kind.PREAUTHORIZATION)


def session_pk(engine_id: str) -> int:
    return pk_of(engine_id, Kind.SESSION)
