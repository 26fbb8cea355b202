"""Who a claims command acts as: `--user EMAIL`, else FITCLAIM_USER; never nobody."""

from __future__ import annotations

import datetime as dt
import os
from argparse import ArgumentParser

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
            "(claims are read and changed as a named user, for the audit trail)"
        )
    try:
        return actor_for_email(email)
    except LookupError as exc:
        raise CommandError(str(exc)) from None


def date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


def problems_text(exc: Exception) -> str:
    """A ValidationError's messages, one a line, each with its field."""
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "\n".join(
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in exc.message_dict.items()
            for message in messages
        )
    return "\n".join(getattr(exc, "messages", [str(exc)]))
