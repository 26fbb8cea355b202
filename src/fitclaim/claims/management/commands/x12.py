"""`fitclaim x12 837 ...` and `fitclaim x12 import-835 FILE`: X12 files from the
command line, acting as a named user (--user EMAIL or FITCLAIM_USER)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from fitclaim.claims.management.commands._acting import (
    add_user_argument,
    command_actor,
    date_arg,
    problems_text,
)


class Command(BaseCommand):
    help = "X12: write an 837P for insurance claims; import an 835 remittance."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        claim = commands.add_parser(
            "837", help="an 837P (005010X222A1) for insurance claims, validated by pyx12"
        )
        add_user_argument(claim)
        claim.add_argument("--claim", dest="claims", type=int, action="append", help="claim id")
        claim.add_argument(
            "--ready", action="store_true", help="every ready insurance claim you may see"
        )
        claim.add_argument("--usage", choices=["P", "T"], default="P", help="production or test")
        claim.add_argument("-o", "--output", help="file to write (default: stdout)")
        claim.add_argument(
            "--submit", action="store_true", help="then mark the claims submitted by EDI"
        )
        claim.add_argument("--on", type=date_arg, help="submission date (default: today)")

        era = commands.add_parser("import-835", help="post an 835: every claim payment, or nothing")
        add_user_argument(era)
        era.add_argument("file", help="the 835 file (- for stdin)")
        era.add_argument("--dry-run", action="store_true", help="report only; post nothing")
        era.add_argument("--json", action="store_true", help="the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["user"])
        try:
            if options["action"] == "837":
                self.handle_837(actor, options)
            else:
                self.handle_835(actor, options)
        except Http404:
            raise CommandError("no such claim (or not one you may see)") from None
        except ValidationError as exc:
            raise CommandError(problems_text(exc)) from None

    def handle_837(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.claims.models import Status
        from fitclaim.claims.selectors import access_claim, claims_visible_to
        from fitclaim.claims.services import claim_submit
        from fitclaim.claims.x12 import x12_837_generate

        claims = [access_claim(actor, pk, write=True) for pk in options["claims"] or []]
        if options["ready"]:
            claims += list(
                claims_visible_to(actor)
                .filter(kind="insurance", status=Status.READY)
                .select_related("client", "source", "organization")
                .order_by("pk")
            )
        if not claims:
            raise CommandError("name the claims (--claim ID, repeated) or use --ready")
        text, batch = x12_837_generate(by=actor, claims=claims, usage=options["usage"])
        if options["output"] and options["output"] != "-":
            Path(options["output"]).write_text(text, encoding="ascii")
            self.stderr.write(
                f"wrote {options['output']}: 837P {batch.pk:09d}, {len(claims)} claim(s), "
                "pyx12: no errors"
            )
        else:
            sys.stdout.write(text)
        if options["submit"]:
            day = options["on"] or timezone.localdate()
            for claim in claims:
                if claim.status == Status.READY:
                    claim_submit(
                        by=actor,
                        claim=claim,
                        submitted_on=day,
                        channel="edi",
                        reference=f"837P {batch.pk:09d}",
                    )
            self.stderr.write(f"marked {len(claims)} claim(s) submitted by EDI on {day}")

    def handle_835(self, actor: Any, options: dict[str, Any]) -> None:
        from rich.progress import Progress

        from fitclaim.claims.remittances import era_import

        name = options["file"]
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {name}: {exc.strerror}") from None
        text = raw.decode("utf-8", "replace")
        with Progress(transient=True, disable=options["json"]) as progress:
            task = progress.add_task("posting claim payments", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = era_import(
                by=actor,
                text=text,
                file_name=Path(name).name if name != "-" else "stdin",
                dry_run=options["dry_run"],
                progress=advance,
            )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
        else:
            for match in report.matches:
                target = match.claim.number if match.claim else "unmatched"
                self.stdout.write(
                    f"CLP {match.payment.claim_id:<14} -> {target:<10} "
                    f"{match.payment.status_words:<40} paid {match.payment.paid:>10}"
                )
            for warning in report.warnings:
                self.stdout.write(f"warning: {warning}")
        if not report.ok:
            raise CommandError(
                "nothing was posted:\n" + "\n".join(f"  {p}" for p in report.all_problems)
            )
        if report.posted:
            self.stdout.write(
                self.style.SUCCESS(f"posted {len(report.matches)} claim payment(s) from {name}")
            )
        else:
            self.stdout.write(f"check only: {len(report.matches)} claim payment(s) would post")
