"""`fitclaim superbill CLIENT --from DATE --to DATE -o FILE`: a superbill PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from fitclaim.training.management.commands._cli import add_user_argument, cli_actor, parse_date


class Command(BaseCommand):
    help = "Write a client's superbill for a period (attended sessions) as PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client", type=int, help="the client's id")
        parser.add_argument("--from", dest="date_from", type=parse_date, required=True)
        parser.add_argument("--to", dest="date_to", type=parse_date, required=True)
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from fitclaim.clients.selectors import access_client
        from fitclaim.payments.selectors import superbill_pdf

        actor = cli_actor(options)
        try:
            client = access_client(actor, options["client"])
            content = superbill_pdf(
                by=actor, client=client, date_from=options["date_from"], date_to=options["date_to"]
            )
        except Http404:
            raise CommandError("not found") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        Path(options["output"]).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"superbill of {client.name} -> {options['output']}"))
