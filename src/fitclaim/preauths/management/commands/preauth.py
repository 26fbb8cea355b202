"""`fitclaim preauth list|show`: pre-authorizations from the command line, acting
as a named user (--user EMAIL or FITCLAIM_USER)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from fitclaim.accounts.command_line import add_user_argument, command_actor


class Command(BaseCommand):
    help = "Pre-authorizations: list, show."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = commands.add_parser("list", help="the pre-authorizations you may see")
        add_user_argument(listing)
        listing.add_argument("--client", type=int, help="only this client's (id)")
        listing.add_argument("--status", choices=["pending", "approved", "denied"])
        listing.add_argument("--json", action="store_true", help="one JSON object a line")
        show = commands.add_parser("show", help="one pre-authorization, with its alerts")
        add_user_argument(show)
        show.add_argument("preauth_id", type=int)
        show.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["user"])
        try:
            getattr(self, f"handle_{options['action']}")(actor, options)
        except Http404:
            raise CommandError("no such pre-authorization (or not one you may see)") from None

    def handle_list(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.preauths.selectors import preauth_list

        preauths = preauth_list(
            actor=actor, client_id=options["client"], status=options["status"] or ""
        )
        for preauth in preauths:
            data = _summary(preauth)
            if options["json"]:
                self.stdout.write(json.dumps(data))
            else:
                sessions = (
                    f"{preauth.approved_sessions} approved"
                    if preauth.approved_sessions is not None
                    else f"{preauth.requested_sessions} asked"
                )
                self.stdout.write(
                    f"{preauth.pk:>6}  {preauth.display_reference:<16} {preauth.status:<9} "
                    f"{sessions:<14} {data['valid_from']} to {data['valid_to']}  "
                    f"{preauth.client.name} ({preauth.source.name})"
                )

    def handle_show(self, actor: Any, options: dict[str, Any]) -> None:
        from fitclaim.preauths.selectors import (
            preauth_alerts,
            preauth_engine_input,
            preauth_get_for_view,
        )

        preauth = preauth_get_for_view(by=actor, preauth_id=options["preauth_id"])
        data = _summary(preauth) | {
            "requested_on": preauth.requested_on.isoformat(),
            "requested_sessions": preauth.requested_sessions,
            "requested": f"{preauth.requested_from} to {preauth.requested_to}",
            "service_codes": list(preauth.service_codes),
            "lmn": preauth.lmn.reference if preauth.lmn else None,
            "answered_on": preauth.answered_on.isoformat() if preauth.answered_on else None,
            "notes": preauth.notes or None,
            "alerts": [m for _, m in preauth_alerts(preauth, today=timezone.localdate())],
            "engine": preauth_engine_input(preauth),
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                value = json.dumps(value)
            self.stdout.write(f"{key:>20}: {value if value is not None else '—'}")


def _summary(preauth: Any) -> dict[str, Any]:
    return {
        "id": preauth.pk,
        "reference": preauth.display_reference,
        "client_id": preauth.client_id,
        "client": preauth.client.name,
        "source": preauth.source.name,
        "status": preauth.status,
        "approved_sessions": preauth.approved_sessions,
        "valid_from": preauth.effective_from.isoformat(),
        "valid_to": preauth.effective_to.isoformat(),
    }
