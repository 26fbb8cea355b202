"""/api/v1: claims (build, lifecycle, answers, appeals, documents), 837P and
835 files, the HSA ledger and the claim reports.

Money goes in and comes out as a string with two decimals ("85.00").
Submitting honors an `Idempotency-Key` header: a retry with the same key
creates nothing and gets the first answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Header, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from fitclaim.claims import services
from fitclaim.claims.idempotency import idempotent
from fitclaim.claims.models import Claim
from fitclaim.claims.packets import (
    appeal_pdf,
    claim_packet_pdf,
    cms1500_pdf,
    hsa_ledger,
    hsa_ledger_csv,
    readiness_checks,
)
from fitclaim.claims.reports import claims_aging, reimbursed_per_source, year_end_statement
from fitclaim.claims.selectors import (
    access_claim,
    claim_candidates,
    claim_lines_view,
    claim_list,
    client_claims,
    earliest_claim_by,
    money,
    total_of,
)
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.api_support import STRICT, api_actor, field_errors
from fitclaim.clients.selectors import access_client
from fitclaim.web.responses import document_response

router = Router(tags=["claims"])

MONEY_PATTERN = r"^(0|[1-9][0-9]{0,7})(\.[0-9]{1,2})?$"
Money = Annotated[str, Field(pattern=MONEY_PATTERN, examples=["85.00"])]


def _today() -> dt.date:
    return timezone.localdate()


# --------------------------------------------------------------------- schemas


class CheckOut(Schema):
    code: str
    message: str
    session_id: int | None = None


class AdjustmentOut(Schema):
    group: str
    reason: str = Field(description="CARC")
    amount: str
    words: str
    engine_reasons: list[str] = Field(description="the engine reasons this CARC stands for")


class LineOut(Schema):
    id: int
    session_id: int
    date: dt.date
    code: str
    units: int
    charge: str
    predicted: str = Field(description="what the engine said the source would pay")
    amount: str = Field(description="what the claim asks")
    claim_by: dt.date | None
    status: str = Field(description="pending, paid, partially_paid or denied")
    paid: str
    deductible: str
    adjustments: list[AdjustmentOut]
    remarks: list[str]
    verdict: str


class ClaimSummaryOut(Schema):
    id: int
    number: str = Field(description="the claim id sent to payers (CLM01)")
    client_id: int
    source_id: int
    kind: str
    status: str
    total: str
    paid: str
    claim_by: dt.date | None
    submitted_on: dt.date | None
    channel: str


class ClaimOut(ClaimSummaryOut):
    as_of: dt.date
    charge_total: str
    submission_reference: str
    payer_id: str
    payer_claim_number: str
    answered_on: dt.date | None
    notes: str
    lines: list[LineOut]


def _summary(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "number": claim.number,
        "client_id": claim.client_id,
        "source_id": claim.source_id,
        "kind": claim.kind,
        "status": claim.status,
        "total": money(claim.total),
        "paid": money(claim.paid_total),
        "claim_by": claim.claim_by,
        "submitted_on": claim.submitted_on,
        "channel": claim.channel,
    }


def claim_out(claim: Claim) -> dict[str, Any]:
    """The claim as the API returns it (JSON-ready: dates as ISO text)."""
    claim.refresh_from_db()
    data = _summary(claim) | {
        "as_of": claim.as_of,
        "charge_total": money(claim.charge_total),
        "submission_reference": claim.submission_reference,
        "payer_id": claim.payer_id,
        "payer_claim_number": claim.payer_claim_number,
        "answered_on": claim.answered_on,
        "notes": claim.notes,
        "lines": [
            {
                "id": view.line.pk,
                "session_id": view.line.session_id,
                "date": view.line.date,
                "code": view.line.code,
                "units": view.line.units,
                "charge": money(view.line.charge),
                "predicted": money(view.line.predicted),
                "amount": money(view.line.amount),
                "claim_by": view.line.claim_by,
                "status": view.status.value,
                "paid": money(view.line.paid),
                "deductible": money(view.line.deductible),
                "adjustments": [
                    {
                        "group": a.group,
                        "reason": a.reason,
                        "amount": money(a.amount),
                        "words": a.words,
                        "engine_reasons": list(a.reasons),
                    }
                    for a in view.adjustments
                ],
                "remarks": [code for code, _ in view.remarks],
                "verdict": view.verdict,
            }
            for view in claim_lines_view(claim)
        ],
    }
    return ClaimOut.model_validate(data).model_dump(mode="json")


class BuildIn(Schema):
    model_config = STRICT

    source_id: int
    session_ids: list[int] | None = Field(
        default=None, description="sessions chosen by hand; omit for every payable session"
    )
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    as_of: dt.date | None = Field(default=None, description="the engine's date (default today)")
    payer_id: str = ""
    notes: str = ""


class CandidateOut(Schema):
    session_id: int
    date: dt.date
    code: str
    engine_amount: str
    amount: str = Field(description="what a new claim may ask: cut to what other claims leave")
    claim_by: dt.date | None
    claimable: bool
    problem: str


class PreviewOut(Schema):
    source_id: int
    as_of: dt.date
    total: str
    claim_by: dt.date | None = Field(description="the earliest claim-by date of the choice")
    sessions: list[CandidateOut]
    error: str


class SubmitIn(Schema):
    model_config = STRICT

    submitted_on: dt.date
    channel: str = Field(description="portal, mail, fax or edi")
    reference: str = ""


class UpdateIn(Schema):
    model_config = STRICT

    payer_id: str | None = None
    notes: str | None = None


class AdjustmentIn(Schema):
    model_config = STRICT

    group: str = Field(description="CO, PR, OA, PI or CR")
    reason: str = Field(description="CARC, for example 50")
    amount: Money


class LineAnswerSchema(Schema):
    model_config = STRICT

    line_id: int
    paid: Money
    deductible: Money = "0.00"
    allowed: Money | None = None
    adjustments: list[AdjustmentIn] = Field(default_factory=list)
    remarks: list[str] = Field(default_factory=list, description="RARC codes")


class AnswerIn(Schema):
    model_config = STRICT

    received_on: dt.date
    reference: str = ""
    lines: list[LineAnswerSchema] | None = Field(
        default=None, description="omit: every line still waiting is paid what it asked"
    )
    claim_adjustments: list[AdjustmentIn] = Field(default_factory=list)
    payer_claim_number: str = ""


class AppealIn(Schema):
    model_config = STRICT

    line_id: int


class AppealSendIn(Schema):
    model_config = STRICT

    sent_on: dt.date


class AppealOut(Schema):
    id: int
    reference: str
    claim_id: int
    line_id: int
    reason: str
    body: str
    sent_on: dt.date | None


class X12In(Schema):
    model_config = STRICT

    claim_ids: list[int]
    usage: str = Field(default="P", description="P production, T test")


class LedgerOut(Schema):
    session_id: int
    date: dt.date
    code: str
    charge: str
    paid: str
    reimbursed_by_others: str
    hsa_reimbursed: str
    not_reimbursed: str
    on_claim: str
    receipts: list[str]


def _file(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    return document_response(content, filename, content_type)


# --------------------------------------------------------------------- building


@router.get(
    "/clients/{int:client_id}/claims",
    response=list[ClaimSummaryOut],
    summary="A client's claims, newest first",
)
def client_claims_api(request: HttpRequest, client_id: int) -> list[dict[str, Any]]:
    client = access_client(api_actor(request), client_id)
    return [_summary(claim) for claim in client_claims(client=client)]


@router.get(
    "/clients/{int:client_id}/claims/preview",
    response=PreviewOut,
    summary="What a claim to a source would hold: total and earliest claim-by, nothing saved",
)
def claim_preview_api(
    request: HttpRequest,
    client_id: int,
    source_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    from fitclaim.funding.selectors import access_funding_source

    actor = api_actor(request)
    client = access_client(actor, client_id)
    if source_id is None:  # checked after access: a stranger's client is simply not found
        raise NinjaValidationError(
            [
                {
                    "loc": ["query", "source_id"],
                    "field": "source_id",
                    "msg": "required",
                    "type": "missing",
                }
            ]
        )
    source = access_funding_source(actor, source_id, client_id=client.pk)
    day = as_of or _today()
    preview = claim_candidates(client=client, source=source, as_of=day)
    chosen = preview.choose(date_from=date_from, date_to=date_to)
    return {
        "source_id": source.pk,
        "as_of": day,
        "total": money(total_of(chosen)),
        "claim_by": earliest_claim_by(chosen),
        "sessions": [
            {
                "session_id": c.session.pk,
                "date": c.session.date,
                "code": c.session.code,
                "engine_amount": money(c.engine_amount),
                "amount": money(c.amount),
                "claim_by": c.claim_by,
                "claimable": c.claimable,
                "problem": c.problem,
            }
            for c in preview.candidates
        ],
        "error": preview.error,
    }


@router.post(
    "/clients/{int:client_id}/claims",
    response={201: ClaimOut},
    summary="Build a draft claim from the engine's payable decisions for one source",
)
def claim_build_api(
    request: HttpRequest, client_id: int, payload: BuildIn
) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    with field_errors():
        claim = services.claim_build(
            by=actor,
            client=client,
            source=payload.source_id,
            session_ids=payload.session_ids,
            date_from=payload.date_from,
            date_to=payload.date_to,
            as_of=payload.as_of,
            payer_id=payload.payer_id,
            notes=payload.notes,
        )
    return Status(201, claim_out(claim))


# --------------------------------------------------------------------- reading


@router.get("/claims", response=list[ClaimSummaryOut], summary="Claims, filtered")
def claim_list_api(
    request: HttpRequest,
    status: str = "",
    kind: str = "",
    client_id: int | None = None,
    source_id: int | None = None,
    min_age_days: int | None = None,
) -> list[dict[str, Any]]:
    claims = claim_list(
        actor=api_actor(request),
        client_id=client_id,
        status=status,
        kind=kind,
        source_id=source_id,
        min_age_days=min_age_days,
        today=_today(),
    )
    return [_summary(claim) for claim in claims[:1000]]


@router.get("/claims/{int:claim_id}", response=ClaimOut, summary="A claim, line by line")
def claim_detail_api(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    return claim_out(access_claim(api_actor(request), claim_id))


@router.get(
    "/claims/{int:claim_id}/checks",
    response=list[CheckOut],
    summary="What keeps the claim from being ready (the packet check)",
)
def claim_checks_api(request: HttpRequest, claim_id: int) -> list[dict[str, Any]]:
    claim = access_claim(api_actor(request), claim_id)
    return [
        {
            "code": str(check.code),
            "message": check.message,
            "session_id": int(check.session) if check.session and check.session.isdigit() else None,
        }
        for check in readiness_checks(claim)
    ]


@router.patch("/claims/{int:claim_id}", response=ClaimOut, summary="Change the payer id or notes")
def claim_update_api(request: HttpRequest, claim_id: int, payload: UpdateIn) -> dict[str, Any]:
    actor = api_actor(request)
    claim = access_claim(actor, claim_id, write=True)
    with field_errors():
        services.claim_update(by=actor, claim=claim, payer_id=payload.payer_id, notes=payload.notes)
    return claim_out(claim)


# --------------------------------------------------------------------- the lifecycle


def _transition(action: Any) -> Any:
    def endpoint(request: HttpRequest, claim_id: int) -> dict[str, Any]:
        actor = api_actor(request)
        claim = access_claim(actor, claim_id, write=True)
        with field_errors():
            claim = action(by=actor, claim=claim)
        return claim_out(claim)

    return endpoint


router.post(
    "/claims/{int:claim_id}/ready",
    response=ClaimOut,
    summary="Draft -> ready, once the packet check passes",
    operation_id="claim_ready",
)(_transition(services.claim_mark_ready))
router.post(
    "/claims/{int:claim_id}/draft",
    response=ClaimOut,
    summary="Ready -> draft",
    operation_id="claim_back_to_draft",
)(_transition(services.claim_back_to_draft))
router.post(
    "/claims/{int:claim_id}/withdraw",
    response=ClaimOut,
    summary="Draft or ready -> withdrawn (its sessions are free again)",
    operation_id="claim_withdraw",
)(_transition(services.claim_withdraw))
router.post(
    "/claims/{int:claim_id}/close",
    response=ClaimOut,
    summary="Paid, partially paid, denied or appealed -> closed",
    operation_id="claim_close",
)(_transition(services.claim_close))


@router.post(
    "/claims/{int:claim_id}/submit",
    response={200: ClaimOut},
    summary="Ready -> submitted (date, channel); honors an Idempotency-Key header",
)
def claim_submit_api(
    request: HttpRequest,
    claim_id: int,
    payload: SubmitIn,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="a retry with the same key creates nothing and gets the first answer",
        ),
    ] = None,
) -> Status[Any]:
    actor = api_actor(request)
    claim = access_claim(actor, claim_id, write=True)

    def run() -> tuple[int, dict[str, Any]]:
        with field_errors():
            submitted = services.claim_submit(
                by=actor,
                claim=claim,
                submitted_on=payload.submitted_on,
                channel=payload.channel,
                reference=payload.reference,
            )
        return 200, claim_out(submitted)

    code, body = idempotent(
        key=idempotency_key,
        actor=actor,
        operation=f"claim_submit:{claim.pk}:"
        + hashlib.sha256(payload.model_dump_json().encode()).hexdigest()[:32],
        run=run,
    )
    return Status(code, body)


@router.post(
    "/claims/{int:claim_id}/answers",
    response={201: ClaimOut},
    summary="Record what the payer paid or denied, per line, with CARC/RARC codes",
)
def claim_answer_api(request: HttpRequest, claim_id: int, payload: AnswerIn) -> Status[Any]:
    actor = api_actor(request)
    claim = access_claim(actor, claim_id, write=True)
    lines = (
        None
        if payload.lines is None
        else [
            services.LineAnswerIn(
                line_id=line.line_id,
                paid=line.paid,
                deductible=line.deductible,
                allowed=line.allowed,
                adjustments=[(a.group, a.reason, a.amount) for a in line.adjustments],
                remarks=line.remarks,
            )
            for line in payload.lines
        ]
    )
    with field_errors():
        services.claim_record_answer(
            by=actor,
            claim=claim,
            received_on=payload.received_on,
            reference=payload.reference,
            lines=lines,
            claim_adjustments=[(a.group, a.reason, a.amount) for a in payload.claim_adjustments],
            payer_claim_number=payload.payer_claim_number,
        )
    return Status(201, claim_out(claim))


# --------------------------------------------------------------------- appeals


def _appeal_out(appeal: Any) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "reference": appeal.reference,
        "claim_id": appeal.claim_id,
        "line_id": appeal.line_id,
        "reason": appeal.reason,
        "body": appeal.body,
        "sent_on": appeal.sent_on,
    }


@router.post(
    "/claims/{int:claim_id}/appeals",
    response={201: AppealOut},
    summary="Draft an appeal letter for a denied or underpaid line",
)
def appeal_create_api(request: HttpRequest, claim_id: int, payload: AppealIn) -> Status[Any]:
    actor = api_actor(request)
    claim = access_claim(actor, claim_id, write=True)
    with field_errors():
        appeal = services.appeal_draft(by=actor, claim=claim, line=payload.line_id)
    return Status(201, _appeal_out(appeal))


def _appeal(actor: Any, claim_id: int, appeal_id: int, *, write: bool = False) -> Any:
    claim = access_claim(actor, claim_id, write=write)
    appeal = claim.appeals.select_related("claim").filter(pk=appeal_id).first()
    if appeal is None:
        raise Http404("not found")
    return appeal


@router.post(
    "/claims/{int:claim_id}/appeals/{int:appeal_id}/send",
    response=AppealOut,
    summary="Mark an appeal sent: the claim becomes appealed",
)
def appeal_send_api(
    request: HttpRequest, claim_id: int, appeal_id: int, payload: AppealSendIn
) -> dict[str, Any]:
    actor = api_actor(request)
    appeal = _appeal(actor, claim_id, appeal_id, write=True)
    with field_errors():
        appeal = services.appeal_send(by=actor, appeal=appeal, sent_on=payload.sent_on)
    return _appeal_out(appeal)


@router.get(
    "/claims/{int:claim_id}/appeals/{int:appeal_id}/letter.pdf",
    response={200: None},
    summary="The appeal letter (PDF), with the signed letter of medical necessity",
)
def appeal_pdf_api(request: HttpRequest, claim_id: int, appeal_id: int) -> HttpResponse:
    actor = api_actor(request)
    content, name = appeal_pdf(by=actor, appeal=_appeal(actor, claim_id, appeal_id))
    return _file(content, name, "application/pdf")


# --------------------------------------------------------------------- documents and files


@router.get(
    "/claims/{int:claim_id}/packet.pdf",
    response={200: None},
    summary="The claim packet (PDF): cover sheet, superbill, signed letter, receipts",
)
def claim_packet_api(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = api_actor(request)
    content, name = claim_packet_pdf(by=actor, claim=access_claim(actor, claim_id))
    return _file(content, name, "application/pdf")


@router.get(
    "/claims/{int:claim_id}/cms1500.pdf",
    response={200: None},
    summary="The CMS-1500-style claim form (PDF)",
)
def claim_cms1500_api(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = api_actor(request)
    content, name = cms1500_pdf(by=actor, claim=access_claim(actor, claim_id))
    return _file(content, name, "application/pdf")


@router.post(
    "/x12/837",
    response={200: None},
    summary="An 837P (005010X222A1) for ready insurance claims, validated by pyx12",
)
def x12_837_api(request: HttpRequest, payload: X12In) -> HttpResponse:
    from fitclaim.claims.x12 import x12_837_generate

    actor = api_actor(request)
    if not may_edit_visible_clients(actor):
        raise Http404("not found")
    claims = [access_claim(actor, claim_id, write=True) for claim_id in payload.claim_ids]
    with field_errors():
        text, batch = x12_837_generate(by=actor, claims=claims, usage=payload.usage)
    return _file(text, f"837P-{batch.pk:09d}.x12", "text/plain; charset=ascii")


@router.post(
    "/x12/835",
    response={200: dict, 422: dict},
    summary="Import an 835 remittance: post every claim payment, or nothing (report says why)",
)
def x12_835_api(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    dry_run: Form[bool] = False,
) -> Status[Any]:
    from fitclaim.claims.remittances import era_import

    actor = api_actor(request)
    if not may_edit_visible_clients(actor):
        raise Http404("not found")
    if file is None:
        raise NinjaValidationError(
            [{"loc": ["body", "file"], "field": "file", "msg": "required", "type": "missing"}]
        )
    raw = file.read(5 * 1024 * 1024 + 1)
    text = raw.decode("utf-8", "replace")
    report = era_import(by=actor, text=text, file_name=file.name or "", dry_run=dry_run)
    return Status(200 if report.ok else 422, report.as_dict())


# --------------------------------------------------------------------- ledger and reports


@router.get(
    "/clients/{int:client_id}/hsa-ledger",
    response=list[LedgerOut],
    summary="Every HSA-eligible amount not yet reimbursed, with its receipts",
)
def hsa_ledger_api(request: HttpRequest, client_id: int) -> list[dict[str, Any]]:
    client = access_client(api_actor(request), client_id)
    _source, entries = hsa_ledger(client=client, as_of=_today())
    return [
        {
            "session_id": e.session_id,
            "date": e.date,
            "code": e.code,
            "charge": money(e.charge),
            "paid": money(e.paid),
            "reimbursed_by_others": money(e.reimbursed_by_others),
            "hsa_reimbursed": money(e.hsa_reimbursed),
            "not_reimbursed": money(e.not_reimbursed),
            "on_claim": e.on_claim,
            "receipts": list(e.receipts),
        }
        for e in entries
    ]


@router.get(
    "/clients/{int:client_id}/hsa-ledger.csv",
    response={200: None},
    summary="The HSA deferred ledger as CSV",
)
def hsa_ledger_csv_api(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access_client(api_actor(request), client_id)
    _source, entries = hsa_ledger(client=client, as_of=_today())
    return _file(hsa_ledger_csv(entries), f"hsa-ledger-{client.pk}.csv", "text/csv")


@router.get(
    "/clients/{int:client_id}/statements/{int:year}",
    response=dict,
    summary="The year-end statement of medical expenses: paid, reimbursed by source, out of pocket",
)
def statement_api(request: HttpRequest, client_id: int, year: int) -> dict[str, Any]:
    client = access_client(api_actor(request), client_id)
    statement = year_end_statement(client=client, year=year)
    return {
        "client_id": client.pk,
        "year": year,
        "paid": money(statement.paid),
        "reimbursed": {s: money(statement.reimbursed_by(s)) for s in statement.sources},
        "out_of_pocket": money(statement.out_of_pocket),
        "sessions": [
            {
                "date": row.date.isoformat(),
                "code": row.code,
                "charge": money(row.charge),
                "paid": money(row.paid),
                "reimbursed": {k: money(v) for k, v in row.reimbursed.items()},
                "out_of_pocket": money(row.out_of_pocket),
            }
            for row in statement.rows
        ],
    }


@router.get("/reports/claims-aging", response=list[dict], summary="Claims by status and age")
def aging_api(request: HttpRequest) -> list[dict[str, Any]]:
    rows = claims_aging(actor=api_actor(request), today=_today())
    return [
        {
            "status": row.status,
            "claims": row.count,
            "asked": money(row.total),
            "by_days_since_submission": {
                label: {"claims": count, "asked": money(amount)}
                for label, (count, amount) in row.buckets.items()
            },
        }
        for row in rows
    ]


@router.get("/reports/reimbursed", response=list[dict], summary="Reimbursed per source and year")
def reimbursed_api(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "year": row.year,
            "kind": row.kind,
            "source": row.source,
            "payer": row.payer,
            "claims": row.claims,
            "paid": money(row.paid),
        }
        for row in reimbursed_per_source(actor=api_actor(request))
    ]
