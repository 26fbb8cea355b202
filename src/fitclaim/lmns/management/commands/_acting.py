"""Who a record command acts as: `--user EMAIL`, else FITCLAIM_USER; never nobody."""

from __future__ import annotations

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
            "(records are read and changed as a named user, for the audit trail)"
        )
    try:
        return actor_for_email(email)
    except LookupError as exc:
        raise CommandError(str(exc)) from None
