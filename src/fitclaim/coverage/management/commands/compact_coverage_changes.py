"""`fitclaim compact_coverage_changes`: fold the coverage change log into
per-client tallies. Versions and cached results stay valid; run it daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fitclaim.coverage.services import BATCH, coverage_changes_compact


class Command(BaseCommand):
    help = (
        "Fold the coverage change log into per-client tallies, so reading a client's "
        "coverage version stays as cheap as the history grows. No version changes and "
        "no cached result is lost. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=BATCH, help=f"rows per transaction (default {BATCH})"
        )

    def handle(self, *args: Any, batch: int, **options: Any) -> None:
        folded = coverage_changes_compact(batch=max(1, batch))
        self.stdout.write(f"folded {folded} coverage change rows into tallies")
