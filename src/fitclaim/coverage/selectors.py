"""Reading a client's coverage: the engine's answer for the client's case, who
may see it, the cache, and the organization's money waiting to be claimed.

Every way in (the page, the API, the command line) goes through
`coverage_get_for_view` or `coverage_json_for_view`: access is checked with
`access_client` (404 for anything the actor may not see) and every view is in
the audit trail.

The cache. Building a case takes a handful of queries and the engine a few
milliseconds for a long history, so a result is cached under
(client, version, as_of). The version is the number of `CoverageChange` rows
the client's changes (and its organization's) have appended so far
(coverage/signals.py), counting those compacting has folded into tallies
(coverage/services.py): it moves forward exactly when such a change commits,
so a stale result is never read again, and every process sees the same
version whatever cache backend is configured. It is read *before* the case, so a
result cached under a version is never older than that version.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson
from django.core.cache import cache
from django.db import connection, router
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Role
from fitclaim.audit.models import AuditEvent
from fitclaim.audit.services import ReadSummary, audit_event, audit_record, audited_rows
from fitclaim.clients.access import as_pk
from fitclaim.clients.models import Client
from fitclaim.clients.selectors import access_client, clients_visible_to
from fitclaim.compiled_queries import CompiledQuery, placeholder
from fitclaim.coverage import engine_ids
from fitclaim.coverage.case import CaseBuild, build_case
from fitclaim.coverage.models import WHOLE_ORGANIZATION, CoverageChange, CoverageChangeTally
from fitclaim.domain.case_checks import InvalidCase
from fitclaim.domain.engine import adjudicate

logger = logging.getLogger(__name__)

# Bump when the shape of a case or a result changes, so results cached by an
# older release (in a shared cache) are not read by a newer one.
CACHE_FORMAT = 1
CACHE_SECONDS = 6 * 60 * 60


class CoverageFailed(Exception):
    """The engine refused the case built from a client's stored records. That
    is a bug (in the records' checks or in the case builder), never the
    caller's fault: it names every problem so it can be fixed."""

    def __init__(self, client: Client, as_of: dt.date, problems: list[str]) -> None:
        super().__init__(
            f"the case of client {client.pk} as of {as_of} is not valid for the engine: "
            + "; ".join(problems)
        )
        self.client = client
        self.as_of = as_of
        self.problems = problems


@dataclass(frozen=True)
class Coverage:
    """A client's case and the engine's answer, or why there is none."""

    build: CaseBuild
    result: dict[str, Any] | None
    problems: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.result is None


# --------------------------------------------------------------------- versions and cache


def _version_sql(organization_id: int, client_id: int) -> tuple[str, list[int]]:
    """How many changes a client's coverage has seen (see the module docstring):
    its rows and its organization's, plus what compacting folded into tallies.

    One statement, so rows and tallies are read in one snapshot: a compaction
    committing in between would otherwise count its rows twice or not at all.
    Plain SQL: this runs on every request, cached or not, and the ORM spends
    longer building this query than the database spends answering it."""
    changes = CoverageChange._meta.db_table
    tallies = CoverageChangeTally._meta.db_table
    return (
        f"SELECT (SELECT COUNT(*) FROM {changes} "  # noqa: S608 (table names, no input)
        "WHERE organization_id = %s AND (client_id = %s OR client_id IS NULL)) "
        f"+ COALESCE((SELECT changes FROM {tallies} "
        "WHERE organization_id = %s AND client_id = %s), 0) "
        f"+ COALESCE((SELECT changes FROM {tallies} "
        f"WHERE organization_id = %s AND client_id = {WHOLE_ORGANIZATION}), 0)",
        [organization_id, client_id, organization_id, client_id, organization_id],
    )


def coverage_version(client: Client) -> int:
    """The client's coverage version, on its own."""
    with connection.cursor() as cursor:
        cursor.execute(*_version_sql(client.organization_id, client.pk))
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def coverage_versions(*, organization_id: int, client_ids: Iterable[int]) -> dict[int, int]:
    """coverage_version for many clients of one organization, in one query
    (rows and tallies in one snapshot, as in `_version_sql`)."""
    ids = list(client_ids)
    rows = (
        CoverageChange.objects.filter(organization_id=organization_id)
        .filter(Q(client_id__in=ids) | Q(client_id__isnull=True))
        .order_by()
        .values_list("client_id")
        .annotate(n=Count("id"))
        .values_list("client_id", "n")
    )
    tallies = CoverageChangeTally.objects.filter(
        organization_id=organization_id, client_id__in=[*ids, WHOLE_ORGANIZATION]
    ).values_list("client_id", "changes")
    counts: dict[int, int] = defaultdict(int)
    for client_id, n in rows.union(tallies, all=True):
        counts[client_id or WHOLE_ORGANIZATION] += n
    everyone = counts[WHOLE_ORGANIZATION]
    return {pk: counts[pk] + everyone for pk in ids}


def cache_key(client_id: int, version: int, as_of: dt.date) -> str:
    return f"fitclaim:coverage:{CACHE_FORMAT}:{client_id}:{version}:{as_of.isoformat()}"


def _adjudicate(build: CaseBuild) -> dict[str, Any]:
    try:
        return adjudicate(build.case)
    except InvalidCase as exc:
        problems = [str(problem) for problem in exc.problems]
        logger.error(
            "coverage: the case of client %s as of %s is invalid: %s",
            build.client.pk,
            build.as_of,
            "; ".join(problems),
        )
        raise CoverageFailed(build.client, build.as_of, problems) from exc


def coverage_json(*, client: Client, as_of: dt.date, version: int | None = None) -> bytes:
    """The engine's result for the client as of a date, as JSON bytes, from the
    cache when a result for the current version is there. Raises
    CoverageFailed when the engine refuses the case. No access check."""
    if version is None:
        version = coverage_version(client)
    key = cache_key(client.pk, version, as_of)
    cached = cache.get(key)
    if cached is not None:
        return bytes(cached)
    return _computed_json(client, as_of, key)


def _computed_json(client: Client, as_of: dt.date, key: str) -> bytes:
    """Build the case, run the engine and cache the result under `key`."""
    data = orjson.dumps(_adjudicate(build_case(client=client, as_of=as_of)))
    cache.set(key, data, CACHE_SECONDS)
    return data


def coverage_of(*, client: Client, as_of: dt.date) -> Coverage:
    """The case (always built: the page shows what it leaves out) and the
    engine's result (from the cache when it is there). No access check."""
    version = coverage_version(client)
    key = cache_key(client.pk, version, as_of)
    build = build_case(client=client, as_of=as_of)
    cached = cache.get(key)
    if cached is not None:
        return Coverage(build=build, result=orjson.loads(cached))
    try:
        result = _adjudicate(build)
    except CoverageFailed as exc:
        return Coverage(build=build, result=None, problems=tuple(exc.problems))
    cache.set(key, orjson.dumps(result), CACHE_SECONDS)
    return Coverage(build=build, result=result)


# --------------------------------------------------------------------- access


def _view_summary(as_of: dt.date, how: str = "viewed") -> ReadSummary:
    """The summary of a view: `viewed the coverage of <name> as of <date>`."""
    return ReadSummary(f"{how} the coverage of ", "name", f" as of {as_of.isoformat()}")


def _view_event(by: Actor, client_id: int, summary: str = "") -> AuditEvent:
    return audit_event(
        actor=by,
        action="view",
        entity="coverage",
        entity_id=client_id,
        client_id=client_id,
        summary=summary,
    )


def _audit_view(by: Actor, client: Client, as_of: dt.date, *, how: str = "viewed") -> None:
    _view_event(by, client.pk, _view_summary(as_of, how).text(client.name)).save()


def access_coverage(actor: Actor, client_id: Any) -> Client:
    """The client whose coverage the actor may see: staff by role (admins and
    billing every client of the organization, trainers their assigned
    clients), a client-portal user only themself; anything else is 404."""
    return access_client(actor, client_id)


def coverage_get_for_view(*, by: Actor, client_id: Any, as_of: dt.date) -> Coverage:
    """A client's coverage for display; the view is in the audit trail."""
    client = access_coverage(by, client_id)
    coverage = coverage_of(client=client, as_of=as_of)
    _audit_view(by, client, as_of)
    return coverage


@functools.cache
def _visible_version_query(alias: str, role: str, portal: bool) -> CompiledQuery:
    """The access check of `access_coverage` and the client's coverage version,
    in one query compiled once per role (see fitclaim.compiled_queries): the
    API's cached answer then costs this query and the audit event."""
    from fitclaim.accounts.models import Membership, User

    organization_id, client_id, user_id, portal_client_id = (placeholder(i) for i in range(4))
    stand_in = Actor(
        user=User(pk=user_id),
        membership=Membership(
            organization_id=organization_id,
            role=role,
            client_id=portal_client_id if portal else None,
        ),
        via="system",
    )
    clients = (
        clients_visible_to(stand_in)
        .using(alias)
        .filter(pk=client_id)
        .order_by()
        .annotate(
            name=Client.name_in_query(),
            coverage_version=RawSQL(*_version_sql(organization_id, client_id)),  # noqa: S611
        )
        .values_list("name", "coverage_version")[:1]
    )
    return CompiledQuery(clients, ("organization", "client", "user", "portal client"))


def coverage_json_for_view(*, by: Actor, client_id: Any, as_of: dt.date) -> bytes:
    """The engine's result JSON for the API and the command line; audited.
    Raises CoverageFailed when the engine refuses the stored records.

    The view is audited as soon as access is granted, by the statement that
    checks it, so even a read that then fails (CoverageFailed) is on record."""
    pk = as_pk(client_id)
    membership = by.membership
    query = _visible_version_query(
        router.db_for_read(Client), by.role, membership.client_id is not None
    )
    # The check, the version and the audit event of the read: one statement.
    rows = audited_rows(
        query,
        (membership.organization_id, pk, by.user.pk, membership.client_id),
        _view_event(by, pk),
        _view_summary(as_of),
    )
    if not rows:
        raise Http404("not found")
    _, version = rows[0]
    key = cache_key(pk, version, as_of)
    data = cache.get(key)
    if data is None:
        # Only now the whole record: the case is built from it.
        data = _computed_json(access_coverage(by, pk), as_of, key)
    return bytes(data)


def case_get_for_export(*, by: Actor, client_id: Any, as_of: dt.date) -> dict[str, Any]:
    """A client's engine case, to reproduce its result with `fitclaim
    adjudicate`; the export is in the audit trail."""
    client = access_coverage(by, client_id)
    case = build_case(client=client, as_of=as_of).case
    audit_record(
        actor=by,
        action="download",
        entity="coverage_case",
        entity_id=client.pk,
        client_id=client.pk,
        summary=f"exported the engine case of {client.name} as of {as_of.isoformat()}",
    )
    return case


# --------------------------------------------------------------------- money waiting


def claimed_pairs(client_ids: list[int]) -> set[tuple[int, str]]:
    """(session pk, source engine id) already on an open claim, from the claims
    app (`claimed_session_sources`), once it exists; none before."""
    import importlib

    try:
        module = importlib.import_module("fitclaim.claims.selectors")
    except ModuleNotFoundError as exc:
        if exc.name in ("fitclaim.claims", "fitclaim.claims.selectors"):
            return set()
        raise
    claimed_session_sources = getattr(module, "claimed_session_sources", None)
    if claimed_session_sources is None:
        return set()
    return {(int(pk), str(source)) for pk, source in claimed_session_sources(client_ids)}


@dataclass
class WaitingGroup:
    """What one source can pay one client and has not been claimed yet."""

    client: Client
    source_id: str
    source_name: str
    source_kind: str
    payer: str
    sessions: list[tuple[str, dt.date, Decimal, dt.date | None]] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return sum((amount for _, _, amount, _ in self.sessions), Decimal("0.00"))

    @property
    def nearest_deadline(self) -> dt.date | None:
        deadlines = [claim_by for _, _, _, claim_by in self.sessions if claim_by is not None]
        return min(deadlines) if deadlines else None

    @property
    def sort_key(self) -> tuple[dt.date, str, str]:
        # Nearest deadline first; an HSA has none, so it waits longest.
        return (self.nearest_deadline or dt.date.max, self.client.name, self.source_id)


@dataclass
class MoneyWaiting:
    as_of: dt.date
    groups: list[WaitingGroup]
    # Clients whose stored records the engine refused (a bug): named, not hidden.
    failed: list[tuple[Client, tuple[str, ...]]]

    @property
    def total(self) -> Decimal:
        return sum((group.amount for group in self.groups), Decimal("0.00"))

    @property
    def client_count(self) -> int:
        return len({group.client.pk for group in self.groups})

    @property
    def session_count(self) -> int:
        return sum(len(group.sessions) for group in self.groups)

    @property
    def by_payer(self) -> list[tuple[str, int, Decimal]]:
        """(payer, clients, amount), largest amount first."""
        amounts: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        clients: dict[str, set[int]] = defaultdict(set)
        for group in self.groups:
            amounts[group.payer] += group.amount
            clients[group.payer].add(group.client.pk)
        return sorted(
            ((payer, len(clients[payer]), amount) for payer, amount in amounts.items()),
            key=lambda row: (-row[2], row[0]),
        )


def may_see_money_waiting(actor: Actor) -> bool:
    return actor.role in (Role.ADMIN, Role.BILLING, Role.TRAINER)


def money_waiting(*, by: Actor, as_of: dt.date) -> MoneyWaiting:
    """Payable amounts not yet on a claim, for every client the actor may see
    (admins and billing: the organization's; trainers: their assigned
    clients), grouped by client and source, nearest claim deadline first.
    The client portal has no such view (404). Every client shown is audited."""
    from fitclaim.funding.models import FundingSource

    if not may_see_money_waiting(by):
        raise Http404("not found")
    clients = list(clients_visible_to(by).order_by("last_name", "first_name", "pk"))
    versions = coverage_versions(
        organization_id=by.membership.organization_id, client_ids=[c.pk for c in clients]
    )
    sources = {
        source.engine_id: source
        for source in FundingSource.objects.filter(client__in=[c.pk for c in clients])
    }
    claimed = claimed_pairs([c.pk for c in clients])
    groups: list[WaitingGroup] = []
    failed: list[tuple[Client, tuple[str, ...]]] = []
    for client in clients:
        try:
            result = orjson.loads(
                coverage_json(client=client, as_of=as_of, version=versions[client.pk])
            )
        except CoverageFailed as exc:
            failed.append((client, tuple(exc.problems)))
            continue
        found = _waiting_of(client, result, sources, claimed)
        if found:
            groups.extend(found)
            _audit_view(by, client, as_of, how="listed the money waiting in")
    groups.sort(key=lambda group: group.sort_key)
    return MoneyWaiting(as_of=as_of, groups=groups, failed=failed)


def _waiting_of(
    client: Client,
    result: dict[str, Any],
    sources: dict[str, Any],
    claimed: set[tuple[int, str]],
) -> list[WaitingGroup]:
    groups: dict[str, WaitingGroup] = {}
    for session in result["sessions"]:
        if "decisions" not in session:
            continue  # a future session
        session_pk = engine_ids.session_pk(session["id"])
        day = dt.date.fromisoformat(session["date"])
        for decision in session["decisions"]:
            if decision["status"] != "payable":
                continue
            amount = Decimal(decision["amount"])
            if amount <= 0 or (session_pk, decision["source"]) in claimed:
                continue
            source = sources.get(decision["source"])
            group = groups.get(decision["source"])
            if group is None:
                group = groups[decision["source"]] = WaitingGroup(
                    client=client,
                    source_id=decision["source"],
                    source_name=source.name if source else decision["source"],
                    source_kind=source.get_kind_display() if source else "",
                    payer=(source.payer_name or source.name) if source else decision["source"],
                )
            claim_by = decision.get("claim_by")
            group.sessions.append(
                (
                    session["id"],
                    day,
                    amount,
                    dt.date.fromisoformat(claim_by) if claim_by else None,
                )
            )
    return list(groups.values())
