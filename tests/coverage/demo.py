"""The demo (`fitclaim demo`: people, funding sources, letters,
pre-authorizations, sessions, payments and receipts) built at a fixed date, so
the golden coverage results stay stable, and what makes results comparable
across databases: engine ids carry primary keys, so they are renamed to names
that do not.

The services date payments and receipts "today" and refuse attendance in the
future; here "today" is the demo's date, so the demo is the same whatever day
the tests run, and the case as of that date sees every receipt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from fitclaim.accounts.actor import Actor, actor_for_email
from fitclaim.accounts.models import Organization
from fitclaim.clients.models import Client

AS_OF = dt.date(2026, 7, 31)


@dataclass
class Demo:
    as_of: dt.date
    riverbend: Organization
    northside: Organization
    admin: Actor
    clients: dict[str, Client]

    def client(self, name: str) -> Client:
        return self.clients[name]


def freeze_service_dates(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Make "today" of the sessions and payments services a fixed day."""
    import fitclaim.payments.services as payments_services
    import fitclaim.training.services as training_services

    monkeypatch.setattr(training_services, "today", lambda: day)
    monkeypatch.setattr(payments_services, "today", lambda: day)


def build_demo(monkeypatch: pytest.MonkeyPatch, as_of: dt.date = AS_OF) -> Demo:
    from fitclaim.clients.demo import NORTHSIDE, RIVERBEND, demo_load
    from fitclaim.web.demo_accounts import ADMIN_EMAIL

    freeze_service_dates(monkeypatch, as_of)
    demo_load(as_of=as_of)
    riverbend = Organization.objects.get(name=RIVERBEND)
    northside = Organization.objects.get(name=NORTHSIDE)
    admin = actor_for_email(ADMIN_EMAIL)
    clients = {c.name: c for c in Client.objects.filter(organization__in=[riverbend, northside])}
    return Demo(as_of, riverbend, northside, admin, clients)


def stable_ids(build: Any) -> dict[str, str]:
    """Engine id -> a name that does not depend on primary keys, so a golden
    result is the same on every database and in every test order."""
    case = build.case
    names: dict[str, str] = {case["client"]["id"]: f"client:{build.client.name}"}
    for trainer in case["trainers"]:
        names[trainer["id"]] = f"trainer:{trainer['name']}"
    for source in case["sources"]:
        names[source["id"]] = f"source:{source['kind']}:{source['name']}"
    for lmn in case["lmns"]:
        names[lmn["id"]] = f"lmn:{lmn['issuer'].get('name')}:{lmn['valid_from']}"
    for preauth in case["preauthorizations"]:
        names[preauth["id"]] = f"pa:{preauth.get('reference') or preauth['valid_from']}"
    for session in case["sessions"]:
        names[session["id"]] = f"session:{session['date']}"
    for session in case["sessions"]:
        if session["facility"]:
            names.setdefault(session["facility"], "facility")
    return names


def renamed(value: Any, names: dict[str, str]) -> Any:
    """A result (or case) with every engine id replaced by its stable name."""
    if isinstance(value, dict):
        return {names.get(k, k): renamed(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed(v, names) for v in value]
    if isinstance(value, str):
        return names.get(value, value)
    return value
