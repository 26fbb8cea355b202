"""A fresh database for a benchmark: SQLite in a temporary data directory, or
a new PostgreSQL database (dropped afterwards) on the server a
postgres://... URL names. Call before django.setup()."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable


def fresh_database(database_url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """Point FITCLAIM_DATA_DIR and DATABASE_URL at a fresh database; return
    its kind ("SQLite" or "PostgreSQL") and what drops it."""
    os.environ["FITCLAIM_DATA_DIR"] = tempfile.mkdtemp(prefix=f"fc-{prefix}-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fitclaim.settings")
    if not database_url.startswith("postgres"):
        os.environ.pop("DATABASE_URL", None)
        return "SQLite", lambda: None
    import psycopg

    server = database_url.rsplit("/", 1)[0]
    name = f"fc_{prefix.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{server}/{name}"

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return "PostgreSQL", drop
