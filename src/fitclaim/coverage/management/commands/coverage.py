"""`fitclaim coverage CLIENT [--as-of DATE] [--json]`: a client's coverage as a table.

Acts as a named user (--user EMAIL or FITCLAIM_USER) and sees what that user
sees on the Coverage page; the view is audited the same way. `--json` prints
the engine's result exactly as the API returns it.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from fitclaim.coverage.management.commands._acting import (
    add_common_arguments,
    client_pk,
    command_actor,
)


def _cell(decision: dict[str, Any]) -> str:
    status = decision["status"]
    if status == "payable":
        claim_by = decision.get("claim_by")
        return f"{decision['amount']} by {claim_by}" if claim_by else f"{decision['amount']}"
    if status == "settled":
        return f"paid {decision['amount']}"
    if status == "ineligible":
        return "no: " + ", ".join(decision["reasons"])
    return "not needed"


def table(rows: list[list[str]], right: set[int]) -> list[str]:
    """Rows of cells as aligned text lines (columns in `right` aligned right)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def render_coverage(*, name: str, case: dict[str, Any], result: dict[str, Any]) -> str:
    """The result as text: a row per session, a column per source, totals,
    what is left and what to do next."""
    sources = [(s["id"], s.get("name") or s["id"]) for s in case["sources"]]
    sessions = {s["id"]: s for s in case["sessions"]}
    trainers = {t["id"]: t.get("name") or t["id"] for t in case["trainers"]}
    header = [
        "Date",
        "Session",
        "Code",
        "Trainer",
        "Paid",
        *(n for _, n in sources),
        "Out of pocket",
    ]
    rows = [header]
    for session in result["sessions"]:
        facts = sessions[session["id"]]
        start = [session["date"], session["id"], facts["code"], trainers[facts["trainer"]]]
        if "decisions" not in session:
            rows.append([*start, facts["paid"], *("upcoming" for _ in sources), ""])
            continue
        decisions = {d["source"]: d for d in session["decisions"]}
        rows.append(
            [
                *start,
                session["paid"],
                *(_cell(decisions[sid]) for sid, _ in sources),
                session["out_of_pocket"],
            ]
        )
    totals = result["totals"]
    rows.append(
        [
            "Totals",
            "",
            "",
            "",
            totals["paid"],
            *(totals["by_source"].get(sid, "0.00") for sid, _ in sources),
            totals["out_of_pocket"],
        ]
    )
    out = [f"Coverage of {name} ({result['client']}) as of {result['as_of']}", ""]
    if len(rows) > 2:
        out += table(rows, right={4, len(header) - 1})
    else:
        out.append("No attended or upcoming sessions.")
    out.append(f"HSA deferred: {totals['hsa_deferred']}")
    out += ["", "What is left:"]
    for sid, source_name in sources:
        left = result["remaining"]["sources"].get(sid, {})
        words = ", ".join(
            f"{key} {'no limit' if value is None else value}" for key, value in left.items()
        )
        out.append(f"  {source_name} ({sid}): {words}")
    for lmn_id, left in result["remaining"]["lmns"].items():
        value = "no limit" if left["sessions"] is None else left["sessions"]
        out.append(f"  letter {lmn_id}: sessions {value}")
    for pa_id, left in result["remaining"]["preauthorizations"].items():
        out.append(f"  pre-authorization {pa_id}: sessions {left['sessions']}")
    out += ["", "What to do next:"]
    if not result["actions"]:
        out.append("  nothing: no paperwork is holding money back")
    for action in result["actions"]:
        out.append(f"  {action['code']}: {', '.join(action['sessions'])}")
    return "\n".join(out) + "\n"


class Command(BaseCommand):
    help = "Print a client's coverage (the engine's result for its records) as a table."

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument(
            "--json", action="store_true", help="print the engine's result JSON, as the API does"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from fitclaim.coverage.selectors import (
            CoverageFailed,
            coverage_get_for_view,
            coverage_json_for_view,
        )

        actor = command_actor(options["user"])
        pk = client_pk(options["client"])
        as_of = options["as_of"] or timezone.localdate()
        try:
            if options["json"]:
                data = coverage_json_for_view(by=actor, client_id=pk, as_of=as_of)
                sys.stdout.buffer.write(data + b"\n")
                sys.stdout.flush()
                return
            coverage = coverage_get_for_view(by=actor, client_id=pk, as_of=as_of)
        except Http404:
            raise CommandError("no such client (or not one you may see)") from None
        except CoverageFailed as exc:
            raise CommandError(_failed(exc.problems)) from None
        if coverage.result is None:
            raise CommandError(_failed(list(coverage.problems)))
        self.stdout.write(
            render_coverage(
                name=coverage.build.client.name,
                case=coverage.build.case,
                result=coverage.result,
            ),
            ending="",
        )


def _failed(problems: list[str]) -> str:
    return "the engine refused this client's case (a fault in fitclaim):\n" + "\n".join(problems)
