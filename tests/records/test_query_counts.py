"""List pages cost the same number of queries for 5 rows as for 50: an N+1
regression fails here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fitclaim.clients.models import Client
from fitclaim.funding.models import FundingSource
from fitclaim.trainers.models import Credential, Trainer

from .conftest import World


def add_clients(world: World, n: int) -> None:
    for i in range(n):
        client = Client.objects.create(
            organization=world.riverbend,
            first_name=f"C{i}",
            last_name="Load",
            conditions=["E11.9", "F41.1"],
        )
        client.trainers.set([world.sam, world.jo])
        FundingSource.objects.create(
            organization=world.riverbend,
            client=client,
            kind="hsa",
            name="HSA",
            established=dt.date(2025, 1, 1),
            balance=Decimal("100.00"),
        )


def add_trainers(world: World, n: int) -> None:
    for i in range(n):
        trainer = Trainer.objects.create(organization=world.riverbend, name=f"T{i}")
        for code in ("ACSM-CEP", "NASM-CES"):
            Credential.objects.create(
                organization=world.riverbend,
                trainer=trainer,
                code=code,
                expires=dt.date.today() + dt.timedelta(days=30),
            )
        world.dana.trainers.add(trainer)


def queries(world: World, url: str) -> int:
    http = world["admin"].http()
    http.get(url)  # warm up: session, caches
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url)
    assert response.status_code == 200
    return len(captured)


CASES: dict[str, tuple[Callable[[World, int], None], str]] = {
    "client page": (add_clients, "/clients/"),
    "client api": (add_clients, "/api/v1/clients"),
    "trainer page": (add_trainers, "/trainers/"),
    "trainer api": (add_trainers, "/api/v1/trainers"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_list_queries_do_not_grow_with_rows(world: World, case: str) -> None:
    add, url = CASES[case]
    add(world, 5)
    with_5 = queries(world, url)
    add(world, 45)
    with_50 = queries(world, url)
    assert with_50 == with_5
