"""`fitclaim claim build|list|show|ready|submit|packet|pay|withdraw|close`: claims
from the command line, acting as a named user (--user EMAIL or FITCLAIM_USER)."""

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

CHANNELS = ["portal", "mail", "fax", "edi"]


def _pair(value: str) -> tuple[int, str]:
    line, sep, rest = value.partition("=")
    if not sep or not line.strip().isdigit() or not rest.strip():
        raise CommandError(f"write LINE_ID=VALUE, for example 12=40.00: {value!r}")
    return int(line), rest.strip()


class Command(BaseCommand):
    help = "Claims: build, list, show, ready, submit, packet, pay, withdraw, close."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        build = commands.add_parser(
            "build", help="build a draft claim from the engine's payable decisions"
        )
        add_user_argument(build)
        build.add_argument("--client", type=int, required=True, help="client id")
        build.add_argument("--source", type=int, required=True, help="funding source id")
        build.add_argument("--from", dest="date_from", type=date_arg, help="first session date")
        build.add_argument("--to", dest="date_to", type=date_arg, help="last session date")
        build.add_argument(
            "--session", dest="sessions", type=int, action="append", help="a session id (repeat)"
        )
        build.add_argument("--as-of", type=date_arg, help="the engine's date (default: today)")
        build.add_argument("--preview", action="store_true", help="show the total; save nothing")
        build.add_argument("--json", action="store_true")

        listing = commands.add_parser("list", help="the claims you may see")
        add_user_argument(listing)
        listing.add_argument("--client", type=int)
        listing.add_argument("--status", help="a status, or open")
        listing.add_argument("--kind", choices=["insurance", "fsa", "hsa", "wellness"])
        listing.add_argument("--json", action="store_true", help="one JSON object a line")

        show = commands.add_parser("show", help="one claim, line by line")
        add_user_argument(show)
        show.add_argument("claim_id", type=int)
        show.add_argument("--json", action="store_true")

        ready = commands.add_parser("ready", help="run the packet check and mark the claim ready")
        add_user_argument(ready)
        ready.add_argument("claim_id", type=int)

        submit = commands.add_parser("submit", help="mark a ready claim submitted")
        add_user_argument(submit)
        submit.add_argument("claim_id", type=int)
        submit.add_argument("--channel", choices=CHANNELS, required=True)
        submit.add_argument("--on", type=date_arg, help="date submitted (default: today)")
        submit.add_argument("--reference", default="", help="confirmation or tracking number")

        packet = commands.add_parser("packet", help="write the claim packet (PDF)")
        add_user_argument(packet)
        packet.add_argument("claim_id", type=int)
        packet.add_argument("--cms1500", action="store_true", help="the CMS-1500 form instead")
        packet.add_argument("-o", "--output", help="file to write (default: FC000123-packet.pdf)")

        pay = commands.add_parser(
            "pay", help="record the payer's answer (default: every waiting line paid in full)"
        )
        add_user_argument(pay)
        pay.add_argument("claim_id", type=int)
        pay.add_argument("--on", type=date_arg, help="date of the answer (default: today)")
        pay.add_argument("--reference", default="", help="check or EFT number")
        pay.add_argument(
            "--line", action="append", default=[], metavar="LINE_ID=AMOUNT", help="paid on a line"
        )
        pay.add_argument(
            "--deny",
            action="append",
            default=[],
            metavar="LINE_ID=CARC",
            help="a line denied, with its reason code (50, 197, ...)",
        )

        for name, words in (("withdraw", "withdraw a draft or ready claim"), ("close", "close")):
            sub = commands.add_parser(name, help=words)
            add_user_argument(sub)
            sub.add_argument("claim_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["user"])
        try:
            getattr(self, f"handle_{options['action']}")(actor, options)
        except Http404:
            raise CommandError("no such claim, client or source (or not one you may see)") from None
        except ValidationError as exc:
            raise CommandError(problems_text(exc)) from None

    def _claim(self, actor: Any, claim_id: int, *, write: bool = False) -> Any:
        from fitclaim.claims.selectors import access_claim

        return access_claim(actor, claim_id, write=write)

    def _line(self, claim: Any) -> str:
        return (
            f"{claim.number}  {claim.status:<14} {claim.client.name:<24} {claim.source.name:<28} "
            f"asked {claim.total:>9}  paid {claim.paid_total:>9}"
        )

    def handle_build(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.claims.selectors import claim_candidates, earliest_claim_by, total_of
        from fitclaim.claims.services import claim_build
        from fitclaim.clients.selectors import access_client
        from fitclaim.funding.selectors import access_funding_source

        client = access_client(actor, options["client"], write=True)
        if options["preview"]:
            source = access_funding_source(actor, options["source"], client_id=client.pk)
            preview = claim_candidates(
                client=client, source=source, as_of=options["as_of"] or timezone.localdate()
            )
            chosen = preview.choose(
                session_ids=options["sessions"],
                date_from=options["date_from"],
                date_to=options["date_to"],
            )
            for candidate in preview.candidates:
                mark = "x" if candidate in chosen else " "
                note = f"  ({candidate.problem})" if candidate.problem else ""
                self.stdout.write(
                    f"[{mark}] {candidate.session.date} {candidate.session.code} "
                    f"{candidate.amount:>8}{note}"
                )
            claim_by = earliest_claim_by(chosen)
            self.stdout.write(
                f"total {total_of(chosen)} for {len(chosen)} session(s), file by "
                f"{claim_by or 'no deadline'}"
            )
            return
        claim = claim_build(
            by=actor,
            client=client,
            source=options["source"],
            session_ids=options["sessions"],
            date_from=options["date_from"],
            date_to=options["date_to"],
            as_of=options["as_of"],
        )
        if options["json"]:
            from fitclaim.claims.api import claim_out

            self.stdout.write(json.dumps(claim_out(claim)))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Built {claim.number} to {claim.source.name}: {claim.total} for "
                    f"{claim.lines.count()} session(s), file by {claim.claim_by or 'no deadline'}."
                )
            )

    def handle_list(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.claims.api import _summary
        from fitclaim.claims.selectors import claim_list

        claims = claim_list(
            actor=actor,
            client_id=options["client"],
            status=options["status"] or "",
            kind=options["kind"] or "",
        )
        for claim in claims:
            if options["json"]:
                self.stdout.write(json.dumps(_summary(claim), default=str))
            else:
                self.stdout.write(self._line(claim))

    def handle_show(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.claims.api import claim_out
        from fitclaim.claims.selectors import claim_lines_view

        claim = self._claim(actor, options["claim_id"])
        if options["json"]:
            self.stdout.write(json.dumps(claim_out(claim)))
            return
        self.stdout.write(self._line(claim))
        self.stdout.write(
            f"  source {claim.source.name} ({claim.kind}); file by {claim.claim_by or '-'}; "
            f"submitted {claim.submitted_on or '-'} {claim.channel}"
        )
        for view in claim_lines_view(claim):
            line = view.line
            reasons = ", ".join(
                f"{a.group}-{a.reason}" + (f" ({'/'.join(a.reasons)})" if a.reasons else "")
                for a in view.adjustments
            )
            self.stdout.write(
                f"  line {line.pk:<6} {line.date} {line.code:<6} predicted {line.predicted:>8} "
                f"asked {line.amount:>8} paid {line.paid:>8} {view.status.value:<14} {reasons}"
            )

    def handle_ready(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.claims.services import claim_mark_ready

        claim = claim_mark_ready(
            by=actor, claim=self._claim(actor, options["claim_id"], write=True)
        )
        self.stdout.write(self.style.SUCCESS(f"{claim.number} is ready."))

    def handle_submit(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.claims.services import claim_submit

        claim = self._claim(actor, options["claim_id"], write=True)
        if claim.status == "draft":
            raise CommandError(
                f"{claim.number} is a draft: run `fitclaim claim ready {claim.pk}` first "
                "(the packet check must pass)"
            )
        claim = claim_submit(
            by=actor,
            claim=claim,
            submitted_on=options["on"] or timezone.localdate(),
            channel=options["channel"],
            reference=options["reference"],
        )
        self.stdout.write(self.style.SUCCESS(f"{claim.number} submitted on {claim.submitted_on}."))

    def handle_packet(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.claims.packets import claim_packet_pdf, cms1500_pdf

        claim = self._claim(actor, options["claim_id"])
        render = cms1500_pdf if options["cms1500"] else claim_packet_pdf
        content, name = render(by=actor, claim=claim)
        target = options["output"] or name
        if target == "-":
            sys.stdout.buffer.write(content)
            return
        Path(target).write_bytes(content)
        self.stdout.write(f"wrote {target} ({len(content):,} bytes)")

    def handle_pay(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.claims.services import LineAnswerIn, claim_record_answer

        claim = self._claim(actor, options["claim_id"], write=True)
        answers: list[LineAnswerIn] = []
        for value in options["line"]:
            line_id, amount = _pair(value)
            answers.append(LineAnswerIn(line_id=line_id, paid=amount))
        for value in options["deny"]:
            line_id, carc = _pair(value)
            answers.append(
                LineAnswerIn(
                    line_id=line_id,
                    paid="0.00",
                    adjustments=[("CO", carc.upper(), self._asked(claim, line_id))],
                )
            )
        answer = claim_record_answer(
            by=actor,
            claim=claim,
            received_on=options["on"] or timezone.localdate(),
            reference=options["reference"],
            lines=answers or None,
        )
        claim.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(
                f"Recorded {answer.paid} for {claim.number}: it is "
                f"{claim.get_status_display().lower()}."
            )
        )

    def _asked(self, claim: Any, line_id: int) -> str:
        line = claim.lines.filter(pk=line_id).first()
        return str(line.amount) if line else "0.00"

    def handle_withdraw(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.claims.services import claim_withdraw

        claim = claim_withdraw(by=actor, claim=self._claim(actor, options["claim_id"], write=True))
        self.stdout.write(self.style.SUCCESS(f"{claim.number} withdrawn."))

    def handle_close(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.claims.services import claim_close

        claim = claim_close(by=actor, claim=self._claim(actor, options["claim_id"], write=True))
        self.stdout.write(self.style.SUCCESS(f"{claim.number} closed."))
