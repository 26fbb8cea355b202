"""The API's coverage read checks access and reads the version in one query
compiled once per role (coverage.selectors._visible_version_query). It must
agree with `access_coverage` and `coverage_version` for every persona and
every client, whatever order the roles' queries were first compiled in."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection, router
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from fitclaim.audit.models import AuditEvent
from fitclaim.clients.models import Client
from fitclaim.compiled_queries import CompiledQuery, placeholder
from fitclaim.coverage.selectors import (
    _visible_version_query,
    access_coverage,
    coverage_get_for_view,
    coverage_json_for_view,
    coverage_version,
)
from fitclaim.coverage.signals import coverage_changed

from .conftest import World, today

STAFF_AND_PORTAL = (
    "admin",
    "billing",
    "trainer_assigned",
    "trainer_not_assigned",
    "client_self",
    "another_client",
    "other_org_admin",
)


def visible(world: World, persona: str, client: Client) -> tuple[bool, int | None]:
    actor = world[persona].actor(via="api")
    membership = actor.membership
    query = _visible_version_query(
        router.db_for_read(Client), actor.role, membership.client_id is not None
    )
    rows = query.rows((membership.organization_id, client.pk, actor.user.pk, membership.client_id))
    return (bool(rows), rows[0][1] if rows else None)


@pytest.mark.parametrize("persona", STAFF_AND_PORTAL)
def test_the_compiled_check_agrees_with_access_coverage(world: World, persona: str) -> None:
    coverage_changed(organization_id=world.riverbend.pk, client_id=world.dana.pk)
    coverage_changed(organization_id=world.riverbend.pk)
    for client in (world.dana, world.marcus, world.riley):
        actor = world[persona].actor(via="api")
        try:
            access_coverage(actor, client.pk)
            allowed = True
        except Http404:
            allowed = False
        seen, version = visible(world, persona, client)
        assert seen == allowed, (persona, client.name)
        if seen:
            assert version == coverage_version(client)
            assert coverage_json_for_view(by=actor, client_id=client.pk, as_of=today())
        else:
            with pytest.raises(Http404):
                coverage_json_for_view(by=actor, client_id=client.pk, as_of=today())


def test_unknown_and_malformed_client_ids_are_404(world: World) -> None:
    actor = world["admin"].actor(via="api")
    for client_id in (0, -1, 10**9, "x", None, placeholder(1)):
        with pytest.raises(Http404):
            coverage_json_for_view(by=actor, client_id=client_id, as_of=today())


def test_a_compiled_query_runs_with_new_values_each_time(world: World) -> None:
    query = CompiledQuery(
        Client.objects.filter(organization_id=placeholder(0), pk=placeholder(1))
        .order_by()
        .values_list("first_name", "last_name"),
        ("organization", "client"),
    )
    pairs = itertools.product((world.riverbend, world.northside), (world.dana, world.riley))
    for organization, client in pairs:
        rows = query.rows((organization.pk, client.pk))
        expected = (
            [[client.first_name, client.last_name]] if client.organization == organization else []
        )
        assert rows == expected


def test_a_query_that_matches_nothing_compiles_to_no_rows(world: World) -> None:
    query = CompiledQuery(Client.objects.none().values_list("pk"), ())
    assert query.matches_nothing and query.rows(()) == []


def coverage_events(client: Client) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(entity="coverage", client_id=client.pk).order_by("pk"))


@pytest.mark.parametrize("persona", ["billing", "client_self"])
def test_the_api_read_appends_the_same_event_as_the_page(world: World, persona: str) -> None:
    """On PostgreSQL the API's event is written by SQL of its own (audited_rows);
    it must be the very event the page's read saves through the model."""
    actor = world[persona].actor(via="api")
    client = world.dana
    client.first_name = "Dana-Marie"  # the name in the summary comes from the query
    client.save()
    coverage_json_for_view(by=actor, client_id=client.pk, as_of=today())
    coverage_get_for_view(by=actor, client_id=client.pk, as_of=today())
    by_sql, by_model = coverage_events(client)
    fields = [f.attname for f in AuditEvent._meta.concrete_fields if f.name not in ("id", "at")]
    assert {f: getattr(by_sql, f) for f in fields} == {f: getattr(by_model, f) for f in fields}
    assert by_sql.summary == f"viewed the coverage of Dana-Marie {client.last_name} as of {today()}"
    assert by_sql.actor_id == actor.user.pk and by_sql.via == "api"
    assert by_sql.organization_id == world.riverbend.pk
    assert by_model.at - dt.timedelta(seconds=5) < by_sql.at <= by_model.at


def test_a_refused_read_appends_no_event(world: World) -> None:
    actor = world["trainer_not_assigned"].actor(via="api")
    with pytest.raises(Http404):
        coverage_json_for_view(by=actor, client_id=world.dana.pk, as_of=today())
    assert coverage_events(world.dana) == []


def test_a_cached_api_read_is_one_statement_on_postgresql(world: World) -> None:
    actor = world["billing"].actor(via="api")
    coverage_json_for_view(by=actor, client_id=world.dana.pk, as_of=today())  # fills the cache
    with CaptureQueriesContext(connection) as queries:
        coverage_json_for_view(by=actor, client_id=world.dana.pk, as_of=today())
    # Check, version and audit event: one statement on PostgreSQL; SQLite,
    # with no round trip to save, saves the event after the read.
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    assert len(coverage_events(world.dana)) == 2
