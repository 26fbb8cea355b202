"""`fitclaim lmn list|show|pdf|remind`: letters of medical necessity from the command line.

Every subcommand acts as a named user (--user EMAIL or FITCLAIM_USER) and sees
what that user sees on the pages; reads are audited the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from fitclaim.accounts.command_line import add_user_argument, command_actor


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Letters of medical necessity: list, show, pdf, remind."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        listing = commands.add_parser("list", help="the letters you may see")
        add_user_argument(listing)
        listing.add_argument("--client", type=int, help="only this client's letters (id)")
        listing.add_argument(
            "--status",
            choices=["draft", "awaiting_signature", "signed", "expired", "revoked", "superseded"],
        )
        listing.add_argument("--json", action="store_true", help="one JSON object a line")

        show = commands.add_parser("show", help="one letter, with what it lacks")
        add_user_argument(show)
        show.add_argument("letter_id", type=int)
        show.add_argument("--json", action="store_true")

        pdf = commands.add_parser("pdf", help="write a letter's PDF (signed: as stored)")
        add_user_argument(pdf)
        pdf.add_argument("letter_id", type=int)
        pdf.add_argument(
            "-o", "--output", help="file to write (default: REFERENCE-vN.pdf here; - for stdout)"
        )

        remind = commands.add_parser(
            "remind",
            help="queue the reminder emails due (run by `fitclaim db_worker`); each "
            "reminder goes once",
        )
        add_user_argument(remind)
        remind.add_argument("--as-of", type=_date, help="the day to remind for (default: today)")
        remind.add_argument(
            "--now", action="store_true", help="run in this process instead of queueing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["user"])
        try:
            getattr(self, f"handle_{options['action']}")(actor, options)
        except Http404:
            raise CommandError("no such letter (or not one you may see)") from None

    def handle_list(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.lmns.selectors import lmn_list

        today = timezone.localdate()
        letters = lmn_list(actor=actor, client_id=options["client"], status=options["status"] or "")
        for lmn in letters:
            if options["json"]:
                self.stdout.write(json.dumps(_summary(lmn, today)))
            else:
                self.stdout.write(
                    f"{lmn.pk:>6}  {lmn.reference} v{lmn.version:<3} "
                    f"{lmn.display_status(today):<26} "
                    f"{_iso(lmn.valid_from)} to {_iso(lmn.valid_to)}  {lmn.client.name}"
                )

    def handle_show(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.lmns.selectors import lmn_completeness, lmn_engine_input, lmn_get_for_view

        today = timezone.localdate()
        lmn = lmn_get_for_view(by=actor, lmn_id=options["letter_id"])
        completeness = lmn_completeness(lmn, today=today)
        data = _summary(lmn, today) | {
            "provider": str(lmn.provider) if lmn.provider else None,
            "diagnoses": list(lmn.diagnoses),
            "plan": {
                "exercise_kind": lmn.exercise_kind,
                "sessions_per_week": lmn.sessions_per_week,
                "minutes_per_session": lmn.minutes_per_session,
                "intensity": lmn.intensity,
                "precautions": lmn.precautions,
                "goals": lmn.goals,
            },
            "sessions_authorized": lmn.sessions_authorized,
            "reexamination_date": _iso(lmn.reexamination_date),
            "signature": {
                "method": lmn.signature_method,
                "signer_name": lmn.signer_name,
                "signed_on": _iso(lmn.signed_on),
                "document_sha256": lmn.document_sha256,
                "audit_reference": lmn.signature_audit_reference,
            }
            if lmn.signed_on
            else None,
            "missing": [f"{f.field}: {f.message}" for f in completeness.missing],
            "warnings": [f"{f.field}: {f.message}" for f in completeness.warnings],
            "decline_comment": lmn.decline_comment or None,
            "engine": lmn_engine_input(lmn),
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                value = json.dumps(value)
            self.stdout.write(f"{key:>20}: {value if value is not None else '—'}")

    def handle_pdf(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.lmns.selectors import access_lmn, lmn_pdf

        lmn = access_lmn(actor, options["letter_id"])
        content, filename = lmn_pdf(by=actor, lmn=lmn)
        output = options["output"] or filename
        if output == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
            return
        Path(output).write_bytes(content)
        self.stdout.write(f"wrote {output} ({len(content)} bytes)")

    def handle_remind(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.clients.access import sees_all_clients
        from fitclaim.lmns.tasks import send_lmn_reminders

        if not sees_all_clients(actor):
            raise CommandError("reminders go out for the whole organization: admins and billing")
        as_of = options["as_of"].isoformat() if options["as_of"] else None
        org_id = actor.membership.organization_id
        if options["now"]:
            result = send_lmn_reminders.call(as_of=as_of, organization_id=org_id)
            self.stdout.write(
                f"sent {result['sent']} reminder(s), {result['already_sent']} already sent, "
                f"{result['expired']} letter(s) expired"
            )
            for failure in result["failed"]:
                self.stderr.write(f"failed: {failure}")
            return
        queued = send_lmn_reminders.enqueue(as_of=as_of, organization_id=org_id)
        self.stdout.write(
            f"queued the reminder run {queued.id}; `fitclaim db_worker --batch` runs it"
        )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _summary(lmn: Any, today: dt.date) -> dict[str, Any]:
    return {
        "id": lmn.pk,
        "reference": lmn.reference,
        "version": lmn.version,
        "client_id": lmn.client_id,
        "client": lmn.client.name,
        "status": lmn.status,
        "display_status": lmn.display_status(today),
        "valid_from": _iso(lmn.valid_from),
        "valid_to": _iso(lmn.valid_to),
    }
