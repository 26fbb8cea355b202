"""Small engine cases for tests (shared/ENGINE.md, "Input: a case").

Every builder returns a plain JSON-ready dict with the fewest keys that make it
valid, so a test names only what it is about and every other field takes the
engine's default. Keyword arguments override or add keys; `OMIT` removes one:

    case(
        sources=[insurance(copay="20.00")],
        sessions=[session(receipt=False)],
    )

Defaults: the case is decided as of 2026-06-30; trainer `t1`; one signed letter
`lmn1` (a physician's, E66.01) valid for all of 2026 with no session limit; the
2026 plan year for sources with a period; a session on 2026-03-02 by `t1`, code
97110, charge and paid 100.00, with a receipt.
"""

from __future__ import annotations

from typing import Any

import pytest

from fitclaim.domain.case_checks import InvalidCase
from fitclaim.domain.engine import adjudicate

OMIT: Any = object()

AS_OF = "2026-06-30"
YEAR_2026 = {"start": "2026-01-01", "end": "2026-12-31"}
VALID_NPI = "1245319599"


def _build(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = {**defaults, **overrides}
    return {key: value for key, value in merged.items() if value is not OMIT}


# --------------------------------------------------------------------------- inputs


def credential(code: str = "ACSM-CEP", **fields: Any) -> dict[str, Any]:
    return _build({"code": code, "issued": "2025-01-01", "expires": "2027-12-31"}, fields)


def trainer(id: str = "t1", **fields: Any) -> dict[str, Any]:
    return _build({"id": id}, fields)


def lmn(id: str = "lmn1", **fields: Any) -> dict[str, Any]:
    return _build(
        {
            "id": id,
            "issuer": {"kind": "physician"},
            "diagnoses": ["E66.01"],
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "signed_on": "2026-01-01",
        },
        fields,
    )


def preauth(id: str = "pa1", **fields: Any) -> dict[str, Any]:
    return _build(
        {
            "id": id,
            "source": "ins1",
            "status": "approved",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "approved_sessions": 10,
        },
        fields,
    )


def insurance(id: str = "ins1", **fields: Any) -> dict[str, Any]:
    return _build({"id": id, "kind": "insurance", "period": dict(YEAR_2026)}, fields)


def fsa(id: str = "fsa1", **fields: Any) -> dict[str, Any]:
    return _build(
        {"id": id, "kind": "fsa", "period": dict(YEAR_2026), "election": "1000.00"}, fields
    )


def hsa(id: str = "hsa1", **fields: Any) -> dict[str, Any]:
    return _build(
        {"id": id, "kind": "hsa", "established": "2025-01-01", "balance": "1000.00"}, fields
    )


def wellness(id: str = "well1", **fields: Any) -> dict[str, Any]:
    return _build(
        {"id": id, "kind": "wellness", "period": dict(YEAR_2026), "annual_cap": "1000.00"}, fields
    )


def session(id: str = "s1", **fields: Any) -> dict[str, Any]:
    charge = fields.get("charge", "100.00")
    return _build(
        {
            "id": id,
            "date": "2026-03-02",
            "trainer": "t1",
            "code": "97110",
            "charge": charge,
            "paid": charge,
            "receipt": True,
        },
        fields,
    )


def settled(source: str, amount: str, **fields: Any) -> dict[str, Any]:
    return _build({"source": source, "amount": amount}, fields)


def case(
    *,
    sources: list[dict[str, Any]] | None = None,
    sessions: list[dict[str, Any]] | None = None,
    lmns: list[dict[str, Any]] | None = None,
    trainers: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A whole case; `lmns` and `trainers` default to `[lmn()]` and `[trainer()]`."""
    return _build(
        {
            "as_of": AS_OF,
            "client": {"id": "c1"},
            "trainers": [trainer()] if trainers is None else trainers,
            "lmns": [lmn()] if lmns is None else lmns,
            "sources": sources or [],
            "sessions": sessions or [],
        },
        fields,
    )


# --------------------------------------------------------------------------- results


def decide(raw: dict[str, Any]) -> dict[str, Any]:
    return adjudicate(raw)


def session_result(result: dict[str, Any], session_id: str = "s1") -> dict[str, Any]:
    (found,) = [s for s in result["sessions"] if s["id"] == session_id]
    return found


def decision(result: dict[str, Any], session_id: str = "s1", source: str = "") -> dict[str, Any]:
    """The decision of `source` (default: the only or first source) for a session."""
    decisions = session_result(result, session_id)["decisions"]
    if not source:
        return decisions[0]
    (found,) = [d for d in decisions if d["source"] == source]
    return found


def reasons(result: dict[str, Any], session_id: str = "s1", source: str = "") -> list[str]:
    """The reasons of an `ineligible` decision, or [] for any other status."""
    return [str(r) for r in decision(result, session_id, source).get("reasons", [])]


def status(result: dict[str, Any], session_id: str = "s1", source: str = "") -> str:
    return decision(result, session_id, source)["status"]


def amount(result: dict[str, Any], session_id: str = "s1", source: str = "") -> str | None:
    return decision(result, session_id, source).get("amount")


def problems(raw: Any) -> list[str]:
    """The `PATH: message` lines of an invalid case (fails if the case is valid)."""
    with pytest.raises(InvalidCase) as caught:
        adjudicate(raw)
    return str(caught.value).split("\n")


def problem_paths(raw: Any) -> list[str]:
    """The paths of every problem of an invalid case, in the order reported."""
    return [line.split(": ", 1)[0] for line in problems(raw)]
