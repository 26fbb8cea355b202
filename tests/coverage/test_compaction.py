"""Compacting the coverage change log (coverage.services.coverage_changes_compact):
rows fold into per-scope tallies and no version moves, so cached results stay
valid and a later change still moves the version forward."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from django.core.management import call_command
from django.db import connection, router
from django.test.utils import CaptureQueriesContext

from fitclaim.clients.models import Client
from fitclaim.coverage.models import WHOLE_ORGANIZATION, CoverageChange, CoverageChangeTally
from fitclaim.coverage.selectors import (
    _visible_version_query,
    coverage_json,
    coverage_version,
    coverage_versions,
)
from fitclaim.coverage.services import coverage_changes_compact
from fitclaim.coverage.signals import coverage_changed

from .conftest import World, attended, days_ago, today


def versions(world: World) -> dict[str, int]:
    return {c.name: coverage_version(c) for c in (world.dana, world.marcus, world.riley)}


def riverbend_versions(world: World) -> dict[int, int]:
    return coverage_versions(
        organization_id=world.riverbend.pk, client_ids=[world.dana.pk, world.marcus.pk]
    )


def api_version(world: World, client: Client) -> int:
    actor = world["admin"].actor(via="api")
    query = _visible_version_query(router.db_for_read(Client), actor.role, False)
    rows = query.rows((actor.membership.organization_id, client.pk, actor.user.pk, None))
    return int(rows[0][1])


@pytest.fixture
def history(world: World, admin: Any) -> None:
    attended(world, admin, on=days_ago(20))
    attended(world, admin, on=days_ago(13), client=world.marcus)
    coverage_changed(organization_id=world.riverbend.pk)  # a change for every client
    coverage_changed(organization_id=world.riverbend.pk, client_id=world.dana.pk)


def test_compacting_moves_no_version(world: World, history: None) -> None:
    before, bulk, api = versions(world), riverbend_versions(world), api_version(world, world.dana)
    rows = CoverageChange.objects.count()
    assert rows > 6 and before["Dana Reyes"] != before["Marcus Bell"]

    assert coverage_changes_compact(batch=4) == rows  # several transactions
    assert CoverageChange.objects.count() == 0
    assert CoverageChangeTally.objects.filter(client_id=WHOLE_ORGANIZATION).exists()
    assert versions(world) == before
    assert riverbend_versions(world) == bulk
    assert api_version(world, world.dana) == api == before["Dana Reyes"]

    assert coverage_changes_compact() == 0  # nothing left: still the same versions
    assert versions(world) == before


def test_after_compacting_a_change_still_moves_its_scope_forward(
    world: World, history: None
) -> None:
    coverage_changes_compact()
    before = versions(world)
    coverage_changed(organization_id=world.riverbend.pk, client_id=world.marcus.pk)
    after = versions(world)
    assert after["Marcus Bell"] == before["Marcus Bell"] + 1
    assert after["Dana Reyes"] == before["Dana Reyes"]
    coverage_changed(organization_id=world.riverbend.pk)
    coverage_changes_compact()  # half the history in rows, half in tallies, then all tallies
    assert versions(world) == {
        "Dana Reyes": before["Dana Reyes"] + 1,
        "Marcus Bell": before["Marcus Bell"] + 2,
        "Riley Chen": before["Riley Chen"],
    }


def test_a_cached_result_outlives_compaction_but_not_a_change(
    world: World, history: None, admin: Any
) -> None:
    first = coverage_json(client=world.dana, as_of=today())
    coverage_changes_compact()
    with CaptureQueriesContext(connection) as captured:
        assert coverage_json(client=world.dana, as_of=today()) == first
    assert len(captured) == 1  # the version only: served from the cache
    attended(world, admin, on=days_ago(6))
    assert len(orjson.loads(coverage_json(client=world.dana, as_of=today()))["sessions"]) == 2


def test_the_command_says_how_many_rows_it_folded(world: World, history: None) -> None:
    from io import StringIO

    rows = CoverageChange.objects.count()
    out = StringIO()
    call_command("compact_coverage_changes", "--batch", "5", stdout=out)
    assert out.getvalue().strip() == f"folded {rows} coverage change rows into tallies"


def test_a_change_still_being_written_is_not_lost(world: World, history: None) -> None:
    """A change committed by another connection after compacting began stays
    in the log and counts (PostgreSQL: a second, real connection)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection to the same PostgreSQL database")
    import psycopg

    from fitclaim.coverage.selectors import _version_sql

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
    )
    organization_id = 10**12  # no such organization: nothing else counts it
    try:
        other.execute(
            f"INSERT INTO {CoverageChange._meta.db_table} (organization_id, client_id) "
            "VALUES (%s, NULL)",
            [organization_id],
        )  # not committed yet
        coverage_changes_compact()
        other.commit()
        with connection.cursor() as cursor:
            cursor.execute(*_version_sql(organization_id, 1))
            assert cursor.fetchone()[0] == 1
        assert CoverageChange.objects.filter(organization_id=organization_id).count() == 1
    finally:
        other.rollback()
        other.execute(
            f"DELETE FROM {CoverageChange._meta.db_table} WHERE organization_id = %s",
            [organization_id],
        )
        other.commit()
        other.close()
