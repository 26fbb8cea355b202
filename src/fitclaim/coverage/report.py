"""The Coverage page's content: the engine's result turned into rows, plain
words, totals, a checklist with the link that fixes each item, claim-check
warnings and the monthly chart. Pure reshaping of a `Coverage` (plus the URL
names of the pages that fix things): nothing here decides payability.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Role
from fitclaim.clients.access import may_edit_visible_clients, sees_directory
from fitclaim.coverage import engine_ids
from fitclaim.coverage.charts import BarChart, Series, bar_chart
from fitclaim.coverage.selectors import Coverage
from fitclaim.domain.claim_checks import (
    ClaimCheck,
    SessionLine,
    check_code_license,
    check_esignature,
)
from fitclaim.domain.reasons import PLAIN_WORDS, Reason

ZERO = Decimal("0.00")

STATUS_WORDS = {
    "payable": "Payable",
    "settled": "Paid by the source",
    "ineligible": "Not payable",
    "not_needed": "Not needed",
}

# What to do about each fixable reason: the checklist item's title, and why.
ACTION_TEXT: dict[Reason, tuple[str, str]] = {
    Reason.NOT_PAID_IN_FULL: (
        "Record the rest of the payment",
        "Sources reimburse only sessions that are paid in full.",
    ),
    Reason.RECEIPT_MISSING: (
        "Upload the receipt",
        "Every source asks for an itemized receipt for each session.",
    ),
    Reason.LMN_MISSING: (
        "Request a letter of medical necessity",
        "No letter covers these dates, so the sources that need one cannot pay.",
    ),
    Reason.LMN_EXPIRED: (
        "Renew the letter of medical necessity",
        "The letter had ended by these dates; a renewal after a re-examination covers them.",
    ),
    Reason.LMN_NOT_SIGNED: (
        "Get the letter signed",
        "The letter covering these dates is not signed by the provider yet.",
    ),
    Reason.TRAINER_NOT_AUTHORIZED: (
        "Have the letter name the trainer",
        "The letter does not authorize the trainer of these sessions.",
    ),
    Reason.FACILITY_NOT_AUTHORIZED: (
        "Have the letter name the facility",
        "The letter does not authorize the facility of these sessions.",
    ),
    Reason.LMN_SESSION_LIMIT_REACHED: (
        "Renew the letter for more sessions",
        "The letter's authorized sessions are used up.",
    ),
    Reason.LMN_ISSUER_NOT_ACCEPTED: (
        "Get a letter from a provider the plan accepts",
        "A source does not accept letters from this kind of provider.",
    ),
    Reason.CREDENTIAL_REQUIRED: (
        "Record the trainer's credential",
        "A plan requires a clinical credential the trainer does not hold (valid) on these dates.",
    ),
    Reason.PREAUTH_MISSING: (
        "Request pre-authorization",
        "The plan needs an approved pre-authorization covering these dates.",
    ),
    Reason.PREAUTH_LIMIT_REACHED: (
        "Request more approved sessions",
        "The pre-authorization's approved sessions are used up.",
    ),
}

SERIES = (
    Series("reimbursable", "Reimbursable (not yet paid by a source)", "reimbursable"),
    Series("reimbursed", "Reimbursed (paid by a source)", "reimbursed"),
    Series("out_of_pocket", "Out of pocket", "out-of-pocket"),
)


@dataclass(frozen=True)
class ReasonText:
    code: str
    words: str


@dataclass(frozen=True)
class Cell:
    """One session and one source."""

    status: str
    amount: str | None = None
    claim_by: str | None = None
    reasons: tuple[ReasonText, ...] = ()
    preauthorization: str | None = None
    deferred: str | None = None

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, self.status)


@dataclass(frozen=True)
class Column:
    """A funding source, in allocation order, with its totals and what is left."""

    id: str
    name: str
    kind: str
    kind_label: str
    total: str
    reimbursable: str
    reimbursed: str
    left: str


@dataclass(frozen=True)
class Row:
    id: str
    pk: int
    date: dt.date
    future: bool
    trainer: str
    code: str
    charge: str
    paid: str
    receipt: bool
    lmn: str | None
    cells: tuple[Cell, ...]
    out_of_pocket: str | None
    hsa_deferred: str | None
    checks: tuple[ClaimCheck, ...]
    url: str


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class ActionSession:
    id: str
    date: dt.date
    link: Link | None


@dataclass(frozen=True)
class ActionItem:
    code: str
    title: str
    why: str
    sources: tuple[str, ...]
    sessions: tuple[ActionSession, ...]
    links: tuple[Link, ...]
    # Shown when the viewer cannot fix it themself (the client portal).
    who: str = ""


@dataclass(frozen=True)
class ClaimWarning:
    """A claim check, once per message, with the sessions it concerns (none for
    a check about a source or the whole claim)."""

    code: str
    message: str
    dates: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class Remaining:
    label: str
    detail: str


@dataclass(frozen=True)
class MonthTotals:
    month: dt.date
    reimbursable: Decimal
    reimbursed: Decimal
    out_of_pocket: Decimal

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")


@dataclass
class Report:
    coverage: Coverage
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    warnings: list[ClaimWarning] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)
    remaining_sources: list[Remaining] = field(default_factory=list)
    remaining_lmns: list[Remaining] = field(default_factory=list)
    remaining_preauths: list[Remaining] = field(default_factory=list)
    months: list[MonthTotals] = field(default_factory=list)
    chart: BarChart | None = None
    unrecorded: list[tuple[dt.date, str]] = field(default_factory=list)
    left_out: int = 0

    @property
    def has_hsa(self) -> bool:
        return any(column.kind == "hsa" for column in self.columns)

    @property
    def future_colspan(self) -> int:
        """The cells an upcoming session's row spans: the sources and the totals."""
        return len(self.columns) + (2 if self.has_hsa else 1)


def _money(value: Decimal) -> str:
    return f"{value.quantize(ZERO):f}"


def _cell(decision: dict[str, Any], preauth_labels: dict[str, str]) -> Cell:
    status = decision["status"]
    if status == "ineligible":
        return Cell(
            status=status,
            reasons=tuple(
                ReasonText(code=code, words=PLAIN_WORDS.get(Reason(code), code))
                for code in decision["reasons"]
            ),
        )
    preauth = decision.get("preauthorization")
    return Cell(
        status=status,
        amount=decision.get("amount"),
        claim_by=decision.get("claim_by"),
        preauthorization=preauth_labels.get(preauth, preauth) if preauth else None,
        deferred=decision.get("deferred"),
    )


def _lmn_references(coverage: Coverage) -> dict[str, str]:
    """Each letter's reference as people know it ("LMN-00012 v2"), by engine id."""
    from fitclaim.lmns.models import Lmn

    letters = Lmn.objects.filter(client_id=coverage.build.client.pk).only("pk", "version")
    return {engine_ids.lmn_id(lmn.pk): f"{lmn.reference} v{lmn.version}" for lmn in letters}


def _lmn_labels(coverage: Coverage, references: dict[str, str]) -> dict[str, str]:
    labels = {}
    for lmn in coverage.build.case["lmns"]:
        issuer = lmn["issuer"].get("name") or lmn["issuer"]["kind"]
        reference = references.get(lmn["id"], lmn["id"])
        labels[lmn["id"]] = (
            f"{reference} ({issuer}, {lmn['valid_from']} to {lmn['valid_to']}"
            + ("" if lmn.get("signed_on") else ", not signed")
            + ")"
        )
    return labels


def _esigned_letters(coverage: Coverage) -> set[str]:
    from fitclaim.lmns.models import Lmn, SignatureMethod

    return {
        engine_ids.lmn_id(pk)
        for pk in Lmn.objects.filter(
            client_id=coverage.build.client.pk, signature_method=SignatureMethod.ELECTRONIC
        ).values_list("pk", flat=True)
    }


def _covering(lmns: list[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    return [lmn for lmn in lmns if lmn["valid_from"] <= day <= lmn["valid_to"]]


class _Links:
    """The page that fixes each reason, for this viewer (None: not theirs to fix)."""

    def __init__(self, actor: Actor, coverage: Coverage, references: dict[str, str]) -> None:
        self.references = references
        self.client = coverage.build.client
        self.staff = may_edit_visible_clients(actor)
        self.directory = sees_directory(actor)
        self.own_portal = actor.role == Role.CLIENT and actor.membership.client_id == self.client.pk
        self.lmns = coverage.build.case["lmns"]

    def receipt(self, session_pk: int) -> str | None:
        if not (self.staff or self.own_portal):
            return None
        url = reverse("payments:receipt_upload", kwargs={"client_id": self.client.pk})
        return f"{url}?session={session_pk}"

    def for_reason(self, reason: Reason, days: list[str], sessions: list[str]) -> list[Link]:
        if not self.staff:
            return []
        client = {"client_id": self.client.pk}
        new_letter = Link("Draft a new letter", reverse("lmns:create", kwargs=client))
        if reason == Reason.NOT_PAID_IN_FULL:
            return [Link("Record a payment", reverse("payments:create", kwargs=client))]
        if reason in (Reason.PREAUTH_MISSING, Reason.PREAUTH_LIMIT_REACHED):
            return [Link("Request pre-authorization", reverse("preauths:create", kwargs=client))]
        if reason == Reason.LMN_NOT_SIGNED:
            letters = _unique(
                lmn["id"]
                for day in days
                for lmn in _covering(self.lmns, day)
                if not lmn.get("signed_on")
            )
            links = [self._letter(lmn_id, "Open {ref} to get it signed") for lmn_id in letters]
            return links or [Link("Open the letters", reverse("lmns:list", kwargs=client))]
        if reason in (Reason.LMN_EXPIRED, Reason.LMN_SESSION_LIMIT_REACHED):
            letters = _unique(self._latest_before(day, reason) for day in days)
            links = [
                self._letter(lmn_id, "Renew {ref}", name="lmns:renew")
                for lmn_id in letters
                if lmn_id is not None
            ]
            return links or [new_letter]
        if reason in (
            Reason.LMN_MISSING,
            Reason.TRAINER_NOT_AUTHORIZED,
            Reason.FACILITY_NOT_AUTHORIZED,
            Reason.LMN_ISSUER_NOT_ACCEPTED,
        ):
            return [new_letter]
        return []

    def trainer(self, trainer_pk: int, name: str) -> Link | None:
        if not self.directory:
            return None
        return Link(
            f"Credentials of {name}", reverse("trainers:detail", kwargs={"trainer_id": trainer_pk})
        )

    def _latest_before(self, day: str, reason: Reason) -> str | None:
        signed = [lmn for lmn in self.lmns if lmn.get("signed_on")]
        if reason == Reason.LMN_EXPIRED:
            ended = [lmn for lmn in signed if lmn["valid_to"] < day]
            ended = ended or [lmn for lmn in self.lmns if lmn["valid_to"] < day]
            return max(ended, key=lambda lmn: (lmn["valid_to"], lmn["id"]))["id"] if ended else None
        covering = _covering(signed, day)
        return (
            max(covering, key=lambda lmn: (lmn["valid_to"], lmn["id"]))["id"] if covering else None
        )

    def _letter(self, lmn_id: str, text: str, *, name: str = "lmns:detail") -> Link:
        reference = self.references.get(lmn_id, lmn_id)
        return Link(
            text.format(ref=reference),
            reverse(name, kwargs={"letter_id": engine_ids.lmn_pk(lmn_id)}),
        )


def _latest(lmns: list[dict[str, Any]]) -> str | None:
    """The id of the letter that ends last (ties by id), or None."""
    if not lmns:
        return None
    return str(max(lmns, key=lambda lmn: (lmn["valid_to"], lmn["id"]))["id"])


def _unique(items: Any) -> list[Any]:
    return list(OrderedDict.fromkeys(items))


def coverage_report(coverage: Coverage, *, actor: Actor) -> Report:
    """Everything the page shows, for this viewer (the links depend on who may fix what)."""
    build = coverage.build
    report = Report(coverage=coverage)
    report.unrecorded = [
        (facts.date, reverse("training:detail", kwargs={"session_id": facts.id}))
        for facts in build.unrecorded
    ]
    report.left_out = len(build.left_out)
    result = coverage.result
    if result is None:
        return report

    case = build.case
    preauth_labels = {
        pa["id"]: (
            pa.get("reference") or f"pre-authorization {engine_ids.preauthorization_pk(pa['id'])}"
        )
        for pa in case["preauthorizations"]
    }
    references = _lmn_references(coverage)
    lmn_labels = _lmn_labels(coverage, references)
    sources = [build.source(s["id"]) for s in case["sources"]]
    source_ids = [s["id"] for s in case["sources"]]
    reimbursable: dict[str, Decimal] = dict.fromkeys(source_ids, ZERO)
    reimbursed: dict[str, Decimal] = dict.fromkeys(source_ids, ZERO)
    months: dict[dt.date, dict[str, Decimal]] = {}
    applicable: dict[str, str | None] = {}
    session_checks: dict[tuple[str, str], list[dt.date]] = {}

    for session in result["sessions"]:
        facts = build.sessions[session["id"]]
        trainer = build.trainers.get(engine_ids.trainer_id(facts.trainer_id))
        trainer_name = trainer.name if trainer else ""
        future = "decisions" not in session
        cells: list[Cell] = []
        checks: list[ClaimCheck] = []
        if not future:
            by_source = {d["source"]: d for d in session["decisions"]}
            cells = [_cell(by_source[sid], preauth_labels) for sid in source_ids]
            applicable[session["id"]] = session["lmn"]
            month = facts.date.replace(day=1)
            totals = months.setdefault(
                month, {"reimbursable": ZERO, "reimbursed": ZERO, "out_of_pocket": ZERO}
            )
            for decision in session["decisions"]:
                if decision["status"] == "payable":
                    amount = Decimal(decision["amount"])
                    reimbursable[decision["source"]] += amount
                    totals["reimbursable"] += amount
                elif decision["status"] == "settled":
                    amount = Decimal(decision["amount"])
                    reimbursed[decision["source"]] += amount
                    totals["reimbursed"] += amount
            totals["out_of_pocket"] += Decimal(session["out_of_pocket"])
            check = check_code_license(
                SessionLine(
                    id=session["id"],
                    code=facts.code,
                    trainer_name=trainer_name,
                    profession=trainer.licensed_profession if trainer else "none",
                )
            )
            if check is not None:
                checks.append(check)
        report.rows.append(
            Row(
                id=session["id"],
                pk=facts.id,
                date=facts.date,
                future=future,
                trainer=trainer_name,
                code=facts.code,
                charge=_money(facts.charge),
                paid=_money(facts.paid),
                receipt=facts.receipted,
                lmn=references.get(session.get("lmn") or "", session.get("lmn")),
                cells=tuple(cells),
                out_of_pocket=session.get("out_of_pocket"),
                hsa_deferred=session.get("hsa_deferred"),
                checks=tuple(checks),
                url=reverse("training:detail", kwargs={"session_id": facts.id}),
            )
        )
        for check in checks:
            session_checks.setdefault((check.code.value, check.message), []).append(facts.date)

    report.warnings = [
        ClaimWarning(code, message, tuple(dates))
        for (code, message), dates in session_checks.items()
    ]
    # Sources that refuse e-signed letters, for sessions that rely on one.
    refusing = [s for s in sources if s is not None and not s.accepts_esignature and s.requires_lmn]
    if refusing:
        esigned = _esigned_letters(coverage)
        if any(lmn in esigned for lmn in applicable.values()):
            for refuser in refusing:
                check = check_esignature(
                    source=refuser.engine_id,
                    source_name=refuser.name,
                    refuses_esignature=True,
                    letter_signed_electronically=True,
                )
                if check is not None:
                    report.warnings.append(ClaimWarning(check.code.value, check.message))

    remaining = result["remaining"]
    for sid, source in zip(source_ids, sources, strict=True):
        left = remaining["sources"].get(sid, {})
        report.columns.append(
            Column(
                id=sid,
                name=source.name if source else sid,
                kind=source.kind if source else "",
                kind_label=source.get_kind_display() if source else "",
                total=result["totals"]["by_source"].get(sid, "0.00"),
                reimbursable=_money(reimbursable[sid]),
                reimbursed=_money(reimbursed[sid]),
                left=_left_words(left),
            )
        )
    report.remaining_sources = [Remaining(c.name, c.left) for c in report.columns]
    report.remaining_lmns = [
        Remaining(
            lmn_labels.get(lmn_id, lmn_id),
            "no session limit"
            if left["sessions"] is None
            else f"{left['sessions']} session{'s' if left['sessions'] != 1 else ''} left",
        )
        for lmn_id, left in remaining["lmns"].items()
    ]
    report.remaining_preauths = [
        Remaining(
            preauth_labels.get(pa_id, pa_id),
            f"{left['sessions']} approved session{'s' if left['sessions'] != 1 else ''} left",
        )
        for pa_id, left in remaining["preauthorizations"].items()
    ]
    totals = result["totals"]
    report.figures = {
        "paid": totals["paid"],
        "reimbursable": _money(sum(reimbursable.values(), ZERO)),
        "reimbursed": _money(sum(reimbursed.values(), ZERO)),
        "out_of_pocket": totals["out_of_pocket"],
        "hsa_deferred": totals["hsa_deferred"],
    }
    report.actions = _actions(
        coverage,
        _Links(actor, coverage, references),
        result,
        source_names={c.id: c.name for c in report.columns},
    )
    report.months = _months(months)
    report.chart = bar_chart(
        [
            (
                m.label,
                {
                    "reimbursable": m.reimbursable,
                    "reimbursed": m.reimbursed,
                    "out_of_pocket": m.out_of_pocket,
                },
            )
            for m in report.months
        ],
        SERIES,
    )
    return report


def _left_words(left: dict[str, Any]) -> str:
    parts = []
    if "funds" in left:
        parts.append(f"{left['funds']} left")
    if "deductible" in left:
        parts.append(f"deductible left {left['deductible']}")
    if "sessions" in left:
        sessions = left["sessions"]
        parts.append(
            "no session limit"
            if sessions is None
            else f"{sessions} session{'s' if sessions != 1 else ''} left"
        )
    return ", ".join(parts)


def _months(months: dict[dt.date, dict[str, Decimal]]) -> list[MonthTotals]:
    """Every month from the first session's to the last's, empty ones included."""
    if not months:
        return []
    first, last = min(months), max(months)
    out = []
    month = first
    while month <= last:
        values = months.get(month, {})
        out.append(
            MonthTotals(
                month=month,
                reimbursable=values.get("reimbursable", ZERO),
                reimbursed=values.get("reimbursed", ZERO),
                out_of_pocket=values.get("out_of_pocket", ZERO),
            )
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def _actions(
    coverage: Coverage, links: _Links, result: dict[str, Any], *, source_names: dict[str, str]
) -> list[ActionItem]:
    build = coverage.build
    dates = {s["id"]: s["date"] for s in result["sessions"]}
    blocked: dict[str, list[str]] = {}
    for session in result["sessions"]:
        for decision in session.get("decisions", ()):
            for code in decision.get("reasons", ()):
                names = blocked.setdefault(code, [])
                if source_names.get(decision["source"]) not in names:
                    names.append(source_names.get(decision["source"], decision["source"]))
    organization = build.client.organization.name
    items = []
    for action in result["actions"]:
        reason = Reason(action["code"])
        title, why = ACTION_TEXT.get(reason, (PLAIN_WORDS.get(reason, reason.value), ""))
        sessions = []
        for session_id in action["sessions"]:
            facts = build.sessions[session_id]
            link = None
            if reason == Reason.RECEIPT_MISSING:
                url = links.receipt(facts.id)
                if url:
                    link = Link(f"Upload the receipt for {facts.date.isoformat()}", url)
            sessions.append(ActionSession(id=session_id, date=facts.date, link=link))
        days = [dates[s] for s in action["sessions"]]
        item_links = links.for_reason(reason, days, action["sessions"])
        if reason == Reason.CREDENTIAL_REQUIRED:
            trainer_pks = _unique(build.sessions[s].trainer_id for s in action["sessions"])
            for pk in trainer_pks:
                trainer = build.trainers.get(engine_ids.trainer_id(pk))
                link = links.trainer(pk, trainer.name if trainer else str(pk))
                if link is not None:
                    item_links.append(link)
        fixable_here = bool(item_links) or any(s.link for s in sessions)
        items.append(
            ActionItem(
                code=reason.value,
                title=title,
                why=why,
                sources=tuple(blocked.get(reason.value, ())),
                sessions=tuple(sessions),
                links=tuple(item_links),
                who="" if fixable_here else f"Ask {organization} to do this.",
            )
        )
    return items
