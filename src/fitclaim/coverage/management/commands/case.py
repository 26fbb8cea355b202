"""`fitclaim case export CLIENT [--as-of DATE] [-o FILE]`: a client's engine case.

Writes the case the Coverage page and the API adjudicate (shared/ENGINE.md
input), so anyone can reproduce a client's result with `fitclaim adjudicate`:

    fitclaim case export 12 --as-of 2026-07-31 --user billing@example.com > case.json
    fitclaim adjudicate case.json

Acts as a named user (--user EMAIL or FITCLAIM_USER); the export is audited.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from fitclaim.coverage.management.commands._acting import (
    add_common_arguments,
    client_pk,
    command_actor,
)


class Command(BaseCommand):
    help = "Engine cases of clients: `case export CLIENT` writes one as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser(
            "export", help="write a client's engine case as JSON (for `fitclaim adjudicate`)"
        )
        add_common_arguments(export)
        export.add_argument(
            "-o", "--output", default="-", help="file to write (default: - for standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from fitclaim.coverage.selectors import case_get_for_export

        actor = command_actor(options["user"])
        pk = client_pk(options["client"])
        as_of = options["as_of"] or timezone.localdate()
        try:
            case = case_get_for_export(by=actor, client_id=pk, as_of=as_of)
        except Http404:
            raise CommandError("no such client (or not one you may see)") from None
        data = orjson.dumps(case, option=orjson.OPT_INDENT_2) + b"\n"
        if options["output"] == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"Wrote the case of client {pk} as of {as_of} to {options['output']}")
