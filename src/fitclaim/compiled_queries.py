"""ORM queries compiled once and run many times with new values.

Building the SQL of a queryset costs the ORM more than a small indexed query
costs the database, and a few queries run on every API call (who may see this
client, at which version). A `CompiledQuery` is a `values_list` queryset built
once with placeholder numbers where the values go, compiled, and then run with
the real values: same SQL, same database converters, none of the building.

The queryset still comes from the usual selectors, so the rule it encodes
(who may see which client) keeps living in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def fetch_all(alias: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run a query that runs on every request and fetch its rows.

    On PostgreSQL it goes through a server-binding cursor, so psycopg prepares
    it after a few runs on a connection (`prepare_threshold`, which Django
    leaves off unless the settings give it: DATABASE_PREPARE_THRESHOLD) and the
    database plans it once instead of on every call; the ORM's own cursors bind
    on the client, which cannot prepare. Elsewhere: the usual cursor."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    from django.db.backends.postgresql.base import ServerBindingCursor

    with connection.wrap_database_errors:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        # The same wrapping Django gives its own cursors: errors as Django's,
        # and the query in connection.queries when queries are logged.
        cursor = connection._prepare_cursor(ServerBindingCursor(connection.connection))
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Far outside any primary key, and distinct from one another: a parameter equal
# to one of these is where that value goes.
_PLACEHOLDER_BASE = -(2**62)


def placeholder(index: int) -> int:
    """The stand-in for the index-th value of a compiled query."""
    return _PLACEHOLDER_BASE - index


class CompiledQuery:
    """A values_list queryset's SQL, run with `rows(values)`.

    `names` are the values in the order of `placeholder(0)`, `placeholder(1)`...
    used when the queryset was built (a shape may leave some of them out).
    A queryset that can match nothing (`.none()`) compiles to `matches_nothing`."""

    def __init__(self, queryset: QuerySet[Any], names: Sequence[str]) -> None:
        self.alias = queryset.db
        self.names = tuple(names)
        # The values_list names: the columns a statement built around this
        # query (audit.services.audited_rows) can refer to.
        self.columns: tuple[str, ...] = tuple(queryset._fields)
        compiler = queryset.query.get_compiler(using=self.alias)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:
            self.matches_nothing = True
            self.sql, params = "", ()
            return
        self.matches_nothing = False
        slots: dict[int, int] = {placeholder(i): i for i in range(len(self.names))}
        # Each parameter is either a fixed value or the index of a named value.
        self._params: list[tuple[bool, Any]] = [
            (True, slots[p]) if isinstance(p, int) and p in slots else (False, p) for p in params
        ]
        self._compiler = compiler
        self._converters = compiler.get_converters(
            [select[0] for select in compiler.select[: compiler.col_count]]
        )

    def bind(self, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """The SQL and its parameters for these values."""
        return self.sql, [values[p] if named else p for named, p in self._params]

    def converted(self, fetched: list[tuple[Any, ...]]) -> list[list[Any]]:
        """Fetched rows as the queryset would give them (the ORM's converters)."""
        if self._converters:
            return list(self._compiler.apply_converters(fetched, self._converters))
        return [list(row) for row in fetched]

    def rows(self, values: Sequence[Any]) -> list[list[Any]]:
        if self.matches_nothing:
            return []
        return self.converted(fetch_all(self.alias, *self.bind(values)))
