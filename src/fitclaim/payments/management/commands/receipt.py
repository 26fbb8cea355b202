"""`fitclaim receipt --payment ID -o FILE` or
`fitclaim receipt --client ID --from DATE --to DATE -o FILE`: an itemized receipt PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from fitclaim.training.management.commands._cli import add_user_argument, cli_actor, parse_date


class Command(BaseCommand):
    help = "Write the itemized receipt of a payment, or of a client's sessions in a period, as PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--payment", type=int, help="the payment's id")
        which.add_argument("--client", type=int, help="the client's id (with --from and --to)")
        parser.add_argument("--from", dest="date_from", type=parse_date, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=parse_date, help="YYYY-MM-DD")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from fitclaim.clients.selectors import access_client
        from fitclaim.payments.selectors import access_payment, receipt_pdf
        from fitclaim.payments.services import receipt_issue_for_payment, receipt_issue_for_range

        actor = cli_actor(options)
        try:
            if options["payment"] is not None:
                payment = access_payment(actor, options["payment"])
                receipt = receipt_issue_for_payment(by=actor, payment=payment)
            else:
                if options["date_from"] is None or options["date_to"] is None:
                    raise CommandError("--client needs --from and --to")
                client = access_client(actor, options["client"])
                receipt = receipt_issue_for_range(
                    by=actor,
                    client=client,
                    date_from=options["date_from"],
                    date_to=options["date_to"],
                )
            content = receipt_pdf(by=actor, receipt=receipt)
        except Http404:
            raise CommandError("not found") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        Path(options["output"]).write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(
                f"receipt {receipt.number}: {receipt.lines.count()} sessions, "
                f"{receipt.total} paid -> {options['output']}"
            )
        )
