"""`fitclaim demo [--as-of YYYY-MM-DD]`: load the demo organizations and records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = (
        "Create the demo data (Riverbend Medical Fitness and Northside Physio) relative "
        "to a date. Running it again creates nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=_date,
            default=None,
            help="the date the demo is built around (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from fitclaim.clients.demo import DEMO_PASSWORD, demo_load

        as_of = options["as_of"] or timezone.localdate()
        result = demo_load(as_of=as_of)
        if result.total:
            made = ", ".join(f"{n} {what}" for what, n in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data as of {as_of}: created {made}."))
        else:
            self.stdout.write(f"Demo data already loaded (as of {as_of}): nothing to create.")
        try:
            from fitclaim.web.demo_accounts import DEMO_ACCOUNTS
        except ImportError:
            return
        self.stdout.write(f"Sign in with any of these (password {DEMO_PASSWORD}):")
        for role, email in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:32} {role}")
