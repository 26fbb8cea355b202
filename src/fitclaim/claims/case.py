"""A client's engine case and the engine's result for it, for claims.

The case builder is the coverage app's (`fitclaim.coverage.case.client_case`,
NOTES.md "From the database to an engine case"), which reads the settlements
from claims.selectors.settlements_for_case: claims and the coverage view read
the same case, so they never disagree about what is payable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fitclaim.clients.models import Client
from fitclaim.coverage import engine_ids
from fitclaim.coverage.case import client_case
from fitclaim.domain.engine import adjudicate


def engine_pk(engine_id: str | None) -> int | None:
    """The primary key behind an engine id ("src-12", "ses-40", "lmn-3"), or None."""
    if not engine_id:
        return None
    try:
        return engine_ids.parse(engine_id)[1]
    except engine_ids.NotAnEngineId:
        return None


def client_result(*, client: Client, as_of: dt.date) -> dict[str, Any]:
    """The engine's result for the client's case (raises InvalidCase)."""
    return adjudicate(client_case(client=client, as_of=as_of))


def decisions_by_session(result: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The result's included sessions by session pk."""
    found: dict[int, dict[str, Any]] = {}
    for entry in result.get("sessions", []):
        if "excluded" in entry:
            continue
        pk = engine_pk(entry["id"])
        if pk is not None:
            found[pk] = entry
    return found


def decision_for(entry: dict[str, Any], source_id: str) -> dict[str, Any] | None:
    for decision in entry.get("decisions", []):
        if decision["source"] == source_id:
            return decision
    return None
