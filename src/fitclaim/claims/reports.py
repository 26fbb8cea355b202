"""Reports on claims: aging, reimbursed per source per year, CSV export, and
the year-end statement of medical expenses of a client."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import ExtractYear

from fitclaim.accounts.actor import Actor
from fitclaim.claims.models import Claim, LinePosting, Status
from fitclaim.claims.selectors import claims_visible_to
from fitclaim.clients.models import Client
from fitclaim.domain.claim_lifecycle import AWAITING_ANSWER, LABELS, ClaimStatus

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30 days", 0, 30),
    ("31-60 days", 31, 60),
    ("61-90 days", 61, 90),
    ("over 90 days", 91, None),
)


def age_bucket(days: int) -> str:
    for label, low, high in AGE_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return AGE_BUCKETS[0][0]


@dataclass
class AgingRow:
    status: str
    label: str
    count: int = 0
    total: Decimal = ZERO
    buckets: dict[str, tuple[int, Decimal]] = field(default_factory=dict)


def claims_aging(*, actor: Actor, today: dt.date) -> list[AgingRow]:
    """Claims by status (count and amount asked) and, for those waiting for an
    answer, by days since submission."""
    rows: dict[str, AgingRow] = {
        status.value: AgingRow(status=status.value, label=LABELS[status]) for status in ClaimStatus
    }
    waiting = {status.value for status in AWAITING_ANSWER}
    for status, total, submitted_on in claims_visible_to(actor).values_list(
        "status", "total", "submitted_on"
    ):
        row = rows[status]
        row.count += 1
        row.total += total
        if status in waiting and submitted_on is not None:
            label = age_bucket((today - submitted_on).days)
            count, amount = row.buckets.get(label, (0, ZERO))
            row.buckets[label] = (count + 1, amount + total)
    return [row for row in rows.values() if row.count]


@dataclass(frozen=True)
class ReimbursedRow:
    year: int
    kind: str
    source: str
    payer: str
    claims: int
    paid: Decimal


def reimbursed_per_source(*, actor: Actor, client_id: int | None = None) -> list[ReimbursedRow]:
    """What each funding source paid, by the year the money came (the answers'
    dates), newest year first."""
    postings = LinePosting.objects.filter(line__claim__in=claims_visible_to(actor)).exclude(
        line__claim__status=Status.WITHDRAWN
    )
    if client_id is not None:
        postings = postings.filter(line__claim__client_id=client_id)
    rows = (
        postings.annotate(year=ExtractYear("answer__received_on"))
        .values(
            "year",
            "line__claim__source_id",
            "line__claim__source__kind",
            "line__claim__source__name",
            "line__claim__source__payer_name",
            "line__claim__client__first_name",
            "line__claim__client__last_name",
        )
        .annotate(paid=Sum("paid"))
        .order_by("-year", "line__claim__source__kind", "line__claim__source__name")
    )
    claim_counts: dict[tuple[int, int], set[int]] = defaultdict(set)
    for year, source_id, claim_id in postings.annotate(
        year=ExtractYear("answer__received_on")
    ).values_list("year", "line__claim__source_id", "line__claim_id"):
        claim_counts[(year, source_id)].add(claim_id)
    return [
        ReimbursedRow(
            year=row["year"],
            kind=row["line__claim__source__kind"],
            source=f"{row['line__claim__source__name']} ({row['line__claim__client__first_name']} "
            f"{row['line__claim__client__last_name']})",
            payer=row["line__claim__source__payer_name"],
            claims=len(claim_counts[(row["year"], row["line__claim__source_id"])]),
            paid=(row["paid"] or ZERO).quantize(CENT),
        )
        for row in rows
    ]


CLAIM_COLUMNS = [
    "claim",
    "client",
    "source",
    "kind",
    "status",
    "built_on",
    "as_of",
    "claim_by",
    "submitted_on",
    "channel",
    "days_since_submission",
    "lines",
    "charge_total",
    "amount_asked",
    "paid",
    "answered_on",
]


def claims_csv(claims: QuerySet[Claim] | Iterable[Claim], *, today: dt.date) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CLAIM_COLUMNS)
    for claim in claims:
        writer.writerow(
            [
                claim.number,
                claim.client.name,
                claim.source.name,
                claim.kind,
                claim.status,
                claim.created_at.date().isoformat(),
                claim.as_of.isoformat(),
                claim.claim_by.isoformat() if claim.claim_by else "",
                claim.submitted_on.isoformat() if claim.submitted_on else "",
                claim.channel,
                (today - claim.submitted_on).days if claim.submitted_on else "",
                getattr(claim, "line_count", ""),
                f"{claim.charge_total:.2f}",
                f"{claim.total:.2f}",
                f"{claim.paid_total:.2f}",
                claim.answered_on.isoformat() if claim.answered_on else "",
            ]
        )
    return out.getvalue()


def reimbursed_csv(rows: Iterable[ReimbursedRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "kind", "source", "payer", "claims", "paid"])
    for row in rows:
        writer.writerow([row.year, row.kind, row.source, row.payer, row.claims, f"{row.paid:.2f}"])
    return out.getvalue()


# --------------------------------------------------------------------- the year-end statement


@dataclass(frozen=True)
class StatementRow:
    date: dt.date
    code: str
    trainer: str
    charge: Decimal
    paid: Decimal
    reimbursed: dict[str, Decimal]
    out_of_pocket: Decimal


@dataclass(frozen=True)
class Statement:
    client: Client
    year: int
    sources: tuple[str, ...]
    rows: tuple[StatementRow, ...]

    @property
    def paid(self) -> Decimal:
        return sum((row.paid for row in self.rows), ZERO)

    @property
    def out_of_pocket(self) -> Decimal:
        return sum((row.out_of_pocket for row in self.rows), ZERO)

    def reimbursed_by(self, source: str) -> Decimal:
        return sum((row.reimbursed.get(source, ZERO) for row in self.rows), ZERO)


def year_end_statement(*, client: Client, year: int) -> Statement:
    """Every attended session of the year: what the client paid, what each
    source reimbursed (answers recorded so far), and what was left out of
    pocket: the figures a tax preparer asks for."""
    from fitclaim.training.models import SessionStatus, TrainingSession

    sessions = list(
        TrainingSession.objects.filter(
            client_id=client.pk, status=SessionStatus.ATTENDED, date__year=year
        )
        .select_related("trainer")
        .order_by("date", "pk")
    )
    reimbursed: dict[int, dict[str, Decimal]] = defaultdict(dict)
    names: list[str] = []
    for session_id, name, paid in (
        LinePosting.objects.filter(line__session__in=sessions)
        .exclude(line__claim__status=Status.WITHDRAWN)
        .values_list("line__session_id", "line__claim__source__name")
        .annotate(total=Sum("paid"))
        .order_by("line__claim__source__kind", "line__claim__source__name")
    ):
        if name not in names:
            names.append(name)
        reimbursed[session_id][name] = (reimbursed[session_id].get(name, ZERO) + paid).quantize(
            CENT
        )
    rows = tuple(
        StatementRow(
            date=session.date,
            code=session.code,
            trainer=session.trainer.name,
            charge=session.charge,
            paid=session.paid_total,
            reimbursed=reimbursed.get(session.pk, {}),
            out_of_pocket=max(
                ZERO, session.paid_total - sum(reimbursed.get(session.pk, {}).values(), ZERO)
            ),
        )
        for session in sessions
    )
    return Statement(client=client, year=year, sources=tuple(names), rows=rows)


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["date", "code", "trainer", "charge", "paid", *statement.sources, "out_of_pocket"]
    )
    for row in statement.rows:
        writer.writerow(
            [
                row.date.isoformat(),
                row.code,
                row.trainer,
                f"{row.charge:.2f}",
                f"{row.paid:.2f}",
                *(f"{row.reimbursed.get(s, ZERO):.2f}" for s in statement.sources),
                f"{row.out_of_pocket:.2f}",
            ]
        )
    writer.writerow(
        [
            "total",
            "",
            "",
            "",
            f"{statement.paid:.2f}",
            *(f"{statement.reimbursed_by(s):.2f}" for s in statement.sources),
            f"{statement.out_of_pocket:.2f}",
        ]
    )
    return out.getvalue()


def statement_pdf(statement: Statement) -> bytes:
    """The statement as a one-table PDF under the organization's letterhead."""
    from reportlab.lib.units import inch
    from reportlab.platypus import Spacer

    from fitclaim.claims.packets import letterhead_of
    from fitclaim.documents.pdf import grid, key_values, letterhead_flowables, markup, para, render

    client = statement.client

    def dollars(value: Decimal) -> str:
        return f"${value:,.2f}"

    story = letterhead_flowables(
        letterhead_of(client.organization),
        document_title="Statement of medical expenses",
        reference=f"Year {statement.year}",
    )
    story.append(markup(f"Statement of medical expenses, {statement.year}", "title"))
    pairs: list[tuple[str, object]] = [
        ("Patient", client.name),
        ("Date of birth", client.birth_date.isoformat() if client.birth_date else "—"),
        ("Sessions", str(len(statement.rows))),
        ("Paid by the patient", dollars(statement.paid)),
    ]
    pairs += [
        (f"Reimbursed by {s}", dollars(statement.reimbursed_by(s))) for s in statement.sources
    ]
    pairs.append(("Out of pocket", dollars(statement.out_of_pocket)))
    story.append(key_values(pairs))
    story.append(markup("Sessions", "h2"))
    rows: list[list[Any]] = [
        ["Date", "Service", "Trainer", "Charge", "Paid", "Reimbursed", "Out of pocket"]
    ]
    for row in statement.rows:
        rows.append(
            [
                row.date.isoformat(),
                row.code,
                row.trainer,
                dollars(row.charge),
                dollars(row.paid),
                "; ".join(f"{k} {dollars(v)}" for k, v in row.reimbursed.items()) or "—",
                dollars(row.out_of_pocket),
            ]
        )
    story.append(
        grid(
            rows,
            [0.85 * inch, 0.6 * inch, 1.1 * inch, 0.8 * inch, 0.8 * inch, 1.95 * inch, 0.9 * inch],
        )
    )
    story.append(Spacer(1, 8))
    story.append(
        para(
            "Reimbursements are those recorded in fitclaim as of the date of this statement. "
            "Out-of-pocket amounts for medically necessary care may be deductible as medical "
            "expenses; ask your tax adviser.",
            "small",
        )
    )
    return render(
        story,
        title=f"Statement of medical expenses {statement.year} {client.name}",
        author=client.organization.name,
        footer=f"{client.organization.name} · Statement of medical expenses {statement.year} · "
        f"{client.name}",
    )
