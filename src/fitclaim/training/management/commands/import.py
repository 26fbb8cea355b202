"""`fitclaim import sessions|clients FILE.csv [--dry-run]`: import a CSV file.

Every row is checked first; every problem is printed with its line and column,
and then nothing is written. Without problems (and without --dry-run) the whole
file is imported in one transaction. The columns are in docs/csv-import.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from fitclaim.training.management.commands._cli import (
    add_user_argument,
    cli_actor,
    progress_reporter,
    stdout_is,
)

MAX_WARNINGS_SHOWN = 50


class Command(BaseCommand):
    help = "Import sessions or clients from a CSV file, all or nothing (see docs/csv-import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["sessions", "clients"])
        parser.add_argument("file", help="the CSV file (UTF-8, header line first)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="sessions written per insert (default 2000)",
        )
        add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from fitclaim.training.imports import clients_import, sessions_import

        actor = cli_actor(options)
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from None
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        stream = stdout_is(self.stdout)
        try:
            with progress_reporter(stream, path.name) as progress:
                if options["kind"] == "sessions":
                    report = sessions_import(
                        by=actor,
                        content=content,
                        file_name=path.name,
                        dry_run=options["dry_run"],
                        progress=progress,
                        batch_size=options["batch_size"],
                    )
                else:
                    report = clients_import(
                        by=actor,
                        content=content,
                        file_name=path.name,
                        dry_run=options["dry_run"],
                        progress=progress,
                    )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        except Http404:
            raise CommandError(f"{actor.user.email} may not import {options['kind']}") from None
        for problem in report.errors:
            self.stderr.write(f"{path.name}: {problem}")
        for problem in report.warnings[:MAX_WARNINGS_SHOWN]:
            self.stdout.write(self.style.WARNING(f"warning: {path.name}: {problem}"))
        if len(report.warnings) > MAX_WARNINGS_SHOWN:
            more = len(report.warnings) - MAX_WARNINGS_SHOWN
            self.stdout.write(self.style.WARNING(f"warning: ... and {more} more warnings"))
        if report.errors:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
