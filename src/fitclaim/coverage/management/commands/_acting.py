"""What the coverage commands share: who acts (`--user EMAIL`, else
FITCLAIM_USER; never nobody), the CLIENT argument and the as-of date."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser

from django.core.management.base import CommandError

from fitclaim.accounts.command_line import add_user_argument, command_actor
from fitclaim.coverage import engine_ids

__all__ = ["add_common_arguments", "as_of_date", "client_pk", "command_actor"]


def add_common_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("client", metavar="CLIENT", help="the client's id (12 or client-12)")
    parser.add_argument(
        "--as-of",
        type=as_of_date,
        default=None,
        metavar="DATE",
        help="the day of the decision, YYYY-MM-DD (default: today)",
    )
    add_user_argument(parser)


def as_of_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {value}") from None


def client_pk(value: str) -> int:
    """A client id as typed: 12, or the engine's client-12."""
    text = value.strip()
    if text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    try:
        return engine_ids.client_pk(text)
    except engine_ids.NotAnEngineId:
        raise CommandError(f"CLIENT: not a client id: {value}") from None
