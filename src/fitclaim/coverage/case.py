"""The case builder: one client's engine case (shared/ENGINE.md input), read
from the database as of a date.

Load first, compute after: every record the case needs is read in a fixed
number of queries (however many sessions there are), through the selectors of
the apps that own the records, and the ids come from `coverage.engine_ids`.

Which sessions go in (NOTES.md, "From the database to an engine case"):

- attended sessions are the services incurred: in;
- sessions still scheduled and dated after `as_of` are in, as future sessions
  (the engine lists them as `FUTURE_SESSION`, so the client sees what is coming);
- a session dated on or before `as_of` that is still scheduled is out, and is
  flagged "attendance not recorded": the engine must not guess whether it
  happened;
- cancelled and no-show sessions are out: nothing was incurred.

`paid` counts the payments applied on or before `as_of`; `receipt` is true
when a generated receipt covers that money or an uploaded receipt is attached.
Settlements (what payers actually paid, and denials as 0.00) come from the
claims app once it records them.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import Any

from fitclaim.clients.models import Client
from fitclaim.coverage import engine_ids
from fitclaim.domain.money import money_text
from fitclaim.funding.models import FundingSource
from fitclaim.trainers.models import Trainer
from fitclaim.training.models import SessionStatus
from fitclaim.training.selectors import SessionFacts


@dataclass(frozen=True)
class CaseBuild:
    """A client's case and what the coverage page says about the sessions the
    case leaves out."""

    client: Client
    as_of: dt.date
    case: dict[str, Any]
    # The sessions in the case, by engine id.
    sessions: dict[str, SessionFacts]
    # Dated on or before as_of and still scheduled: out of the case, flagged.
    unrecorded: tuple[SessionFacts, ...]
    # Cancelled and no-show sessions: out of the case.
    left_out: tuple[SessionFacts, ...]
    # The client's funding sources in allocation order.
    sources: tuple[FundingSource, ...]
    # Every trainer the case references (sessions and letters), by engine id.
    trainers: dict[str, Trainer]

    def source(self, engine_id: str) -> FundingSource | None:
        for source in self.sources:
            if source.engine_id == engine_id:
                return source
        return None


money = money_text


def is_in_case(facts: SessionFacts, as_of: dt.date) -> bool:
    """Attended sessions, and sessions still scheduled after `as_of`."""
    if facts.status == SessionStatus.ATTENDED:
        return True
    return facts.status == SessionStatus.SCHEDULED and facts.date > as_of


def attendance_not_recorded(facts: SessionFacts, as_of: dt.date) -> bool:
    return facts.status == SessionStatus.SCHEDULED and facts.date <= as_of


def settlements_of(client: Client, as_of: dt.date) -> dict[int, list[dict[str, Any]]]:
    """What payers have paid (or denied) per session pk, from the claims app:
    `fitclaim.claims.selectors.settlements_for_case`, when it exists. Until
    claims are recorded there are none."""
    try:
        module = importlib.import_module("fitclaim.claims.selectors")
    except ModuleNotFoundError as exc:
        if exc.name in ("fitclaim.claims", "fitclaim.claims.selectors"):
            return {}
        raise
    settlements_for_case = getattr(module, "settlements_for_case", None)
    if settlements_for_case is None:
        return {}
    return dict(settlements_for_case(client=client, as_of=as_of))


def session_input(facts: SessionFacts, settled: list[dict[str, Any]] | None) -> dict[str, Any]:
    """One session as the engine's `sessions` entry."""
    data: dict[str, Any] = {
        "id": engine_ids.session_id(facts.id),
        "date": facts.date.isoformat(),
        "trainer": engine_ids.trainer_id(facts.trainer_id),
        "facility": engine_ids.facility_id(facts.facility_id) if facts.facility_id else None,
        "code": facts.code,
        "units": facts.units,
        "charge": money(facts.charge),
        "paid": money(facts.paid),
        "receipt": facts.receipted,
    }
    if settled:
        data["settled"] = [dict(entry) for entry in settled]
    return data


def _trainers(pks: set[int]) -> dict[str, Trainer]:
    trainers = Trainer.objects.filter(pk__in=pks).prefetch_related("credentials").order_by("pk")
    return {engine_ids.trainer_id(trainer.pk): trainer for trainer in trainers}


def build_case(*, client: Client, as_of: dt.date) -> CaseBuild:
    """Read the client's records and build the case as of a date.

    Ten queries (the client and its sources, the letters with their trainers
    and facilities, pre-authorizations, sessions, settlements, trainers with
    their credentials) whatever the number of sessions, letters or sources."""
    from fitclaim.clients.selectors import client_engine_input
    from fitclaim.funding.selectors import (
        client_priority_engine_input,
        funding_source_engine_input,
        funding_sources_of,
    )
    from fitclaim.lmns.selectors import lmn_engine_inputs
    from fitclaim.preauths.selectors import preauth_engine_inputs
    from fitclaim.trainers.selectors import trainer_engine_input
    from fitclaim.training.selectors import sessions_for_case

    # A fresh copy with its sources loaded once: the priority and the sources
    # are read from the same rows, and the caller's instance is left alone.
    client = (
        Client.objects.select_related("organization")
        .prefetch_related("funding_sources")
        .get(pk=client.pk)
    )
    sources = funding_sources_of(client)
    priority = client_priority_engine_input(client)
    lmns = lmn_engine_inputs(client)
    preauthorizations = preauth_engine_inputs(client)
    facts = sessions_for_case(client, as_of)
    settlements = settlements_of(client, as_of)

    included = [f for f in facts if is_in_case(f, as_of)]
    unrecorded = tuple(f for f in facts if attendance_not_recorded(f, as_of))
    left_out = tuple(
        f for f in facts if f.status in (SessionStatus.CANCELLED, SessionStatus.NO_SHOW)
    )

    # Every trainer a session or a letter names must be in the case.
    trainer_pks = {f.trainer_id for f in included}
    for lmn in lmns:
        trainer_pks.update(engine_ids.trainer_pk(t) for t in lmn.get("authorized_trainers") or ())
    trainers = _trainers(trainer_pks)

    case: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "client": client_engine_input(client),
        "trainers": [trainer_engine_input(trainer) for trainer in trainers.values()],
        "lmns": lmns,
        "preauthorizations": preauthorizations,
        "sources": [funding_source_engine_input(source) for source in sources],
        "sessions": [session_input(f, settlements.get(f.id)) for f in included],
    }
    if priority is not None:
        case["priority"] = priority
    case["strategy"] = client.strategy
    return CaseBuild(
        client=client,
        as_of=as_of,
        case=case,
        sessions={engine_ids.session_id(f.id): f for f in included},
        unrecorded=unrecorded,
        left_out=left_out,
        sources=tuple(sources),
        trainers=trainers,
    )


def client_case(*, client: Client, as_of: dt.date) -> dict[str, Any]:
    """The client's engine case as of a date (ENGINE.md input), ready for
    `adjudicate` or `fitclaim adjudicate`."""
    return build_case(client=client, as_of=as_of).case
