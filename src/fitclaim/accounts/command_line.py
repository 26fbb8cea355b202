"""What every record command shares: who is acting, and dates as typed.

Commands that read or change records act as a named user (`--user EMAIL`, else
the FITCLAIM_USER environment variable), with that user's organization and
role, so the audit trail names them; without one they refuse.
"""

from __future__ import annotations

import datetime as dt
import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from fitclaim.accounts.actor import Actor, actor_for_email


def add_user_argument(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        metavar="EMAIL",
        default=None,
        help="act as this user, with their organization and role (default: $FITCLAIM_USER)",
    )


def command_actor(email: str | None) -> Actor:
    email = (email or os.environ.get("FITCLAIM_USER") or "").strip()
    if not email:
        raise CommandError(
            "say who is acting: --user EMAIL or FITCLAIM_USER=EMAIL "
            "(records are read and changed as a named user, for the audit trail)"
        )
    try:
        return actor_for_email(email)
    except LookupError as exc:
        raise CommandError(str(exc)) from None


def options_actor(options: dict[str, Any]) -> Actor:
    """The actor of a command's parsed options (`--user`)."""
    return command_actor(options.get("user"))


def date_argument(value: str) -> dt.date:
    """An argparse type: a date written YYYY-MM-DD, or a clear error."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None
