"""Claim pages. Each view: who is acting, access, the form, one service call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fitclaim.accounts.actor import actor_from_request
from fitclaim.claims import services
from fitclaim.claims.forms import (
    AnswerForm,
    AppealForm,
    AppealSendForm,
    BuilderForm,
    ClaimFilterForm,
    EraUploadForm,
    PayerIdForm,
    SubmitForm,
)
from fitclaim.claims.models import Appeal, Status
from fitclaim.claims.packets import (
    appeal_pdf,
    claim_packet_pdf,
    cms1500_pdf,
    hsa_ledger,
    hsa_ledger_csv,
    hsa_ledger_pdf,
    readiness_checks,
)
from fitclaim.claims.remittances import era_import
from fitclaim.claims.reports import (
    claims_aging,
    claims_csv,
    reimbursed_csv,
    reimbursed_per_source,
    statement_csv,
    statement_pdf,
    year_end_statement,
)
from fitclaim.claims.selectors import (
    access_claim,
    claim_adjustments_view,
    claim_candidates,
    claim_history,
    claim_lines_view,
    claim_list,
    client_claims,
    earliest_claim_by,
    total_of,
)
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.forms import add_service_errors
from fitclaim.clients.selectors import access_client
from fitclaim.domain.claim_lifecycle import ClaimStatus, allowed_actions
from fitclaim.funding.models import FundingKind
from fitclaim.funding.selectors import funding_sources_of
from fitclaim.web.responses import document_response


def _file(
    content: bytes | str, filename: str, content_type: str, *, inline: bool = False
) -> HttpResponse:
    return document_response(content, filename, content_type, inline=inline)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    return _file(content, filename, "application/pdf")


def _today() -> dt.date:
    return timezone.localdate()


# --------------------------------------------------------------------- a client's claims


@login_required
def client_claims_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id)
    sources = funding_sources_of(client)
    today = _today()
    return render(
        request,
        "claims/client_claims.html",
        {
            "client": client,
            "claims": client_claims(client=client),
            "sources": sources,
            "has_hsa": any(s.kind == FundingKind.HSA for s in sources),
            "years": [today.year, today.year - 1],
            "may_edit": may_edit_visible_clients(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_builder_page(request: HttpRequest, client_id: int) -> HttpResponse:
    """Choose a source and sessions; the total and earliest claim-by date show
    before anything is saved (the preview reloads with htmx as choices change)."""
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    sources = funding_sources_of(client)
    if not sources:
        messages.info(request, f"{client.name} has no funding source to claim from yet.")
        return redirect("claims:client_claims", client_id=client.pk)
    data = request.POST if request.method == "POST" else request.GET
    source_id = data.get("source") or request.GET.get("source") or sources[0].pk
    source = next((s for s in sources if str(s.pk) == str(source_id)), sources[0])
    today = _today()
    preview = claim_candidates(client=client, source=source, as_of=today)
    bound = data if ("mode" in data or request.method == "POST") else None
    form = BuilderForm(
        bound,
        sources=sources,
        candidates=preview.candidates,
        initial={"source": source.pk, "mode": "all"},
    )
    chosen = preview.claimable
    if bound is not None:
        if form.is_valid():
            chosen = preview.choose(**form.choice())
        elif data.get("mode") == "pick":
            picked = set(data.getlist("sessions"))
            chosen = [c for c in preview.claimable if str(c.session.pk) in picked]
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_build(
                by=actor,
                client=client,
                source=source,
                as_of=today,
                notes=form.cleaned_data["notes"],
                **form.choice(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Built claim {claim.number} to {source.name} for {claim.total} "
                f"({claim.lines.count()} sessions).",
            )
            return redirect("claims:detail", claim_id=claim.pk)
    context = {
        "client": client,
        "source": source,
        "form": form,
        "preview": preview,
        "chosen": chosen,
        "total": total_of(chosen),
        "claim_by": earliest_claim_by(chosen),
        "today": today,
    }
    if getattr(request, "htmx", False) and request.method == "GET":
        return render(request, "claims/_builder_preview.html", context)
    return render(request, "claims/claim_builder.html", context)


# --------------------------------------------------------------------- one claim


ACTION_WORDS = {
    ClaimStatus.READY: ("claims:ready", "Mark ready"),
    ClaimStatus.DRAFT: ("claims:draft", "Back to draft"),
    ClaimStatus.WITHDRAWN: ("claims:withdraw", "Withdraw"),
    ClaimStatus.CLOSED: ("claims:close", "Close"),
}


@login_required
def claim_detail_page(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    claim = access_claim(actor, claim_id)
    may_edit = may_edit_visible_clients(actor)
    status = ClaimStatus(claim.status)
    checks = readiness_checks(claim) if status in (ClaimStatus.DRAFT, ClaimStatus.READY) else []
    actions = [
        ACTION_WORDS[target]
        for target in sorted(allowed_actions(status), key=lambda s: list(ClaimStatus).index(s))
        if target in ACTION_WORDS
    ]
    lines = claim_lines_view(claim)
    dates = {str(view.line.session_id): view.line.date for view in lines}
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "client": claim.client,
            "lines": lines,
            "claim_adjustments": claim_adjustments_view(claim),
            "answers": claim.answers.select_related("era").order_by("received_on", "pk"),
            "appeals": claim.appeals.select_related("line").order_by("-pk"),
            "history": claim_history(claim),
            "checks": [(dates.get(check.session or ""), check) for check in checks],
            "actions": actions if may_edit else [],
            "may_edit": may_edit,
            "may_submit": may_edit and status == ClaimStatus.READY,
            "may_answer": may_edit and status in (ClaimStatus.SUBMITTED, ClaimStatus.APPEALED),
            "may_appeal": may_edit
            and status in (ClaimStatus.DENIED, ClaimStatus.PARTIALLY_PAID, ClaimStatus.APPEALED),
            "appealable": [
                v.line for v in lines if v.line.answered and v.line.paid < v.line.amount
            ],
            "submit_form": SubmitForm(initial={"submitted_on": _today()}, kind=claim.kind),
            "payer_form": PayerIdForm(initial={"payer_id": claim.payer_id}),
            "is_insurance": claim.kind == FundingKind.INSURANCE,
        },
    )


TRANSITIONS = {
    "ready": services.claim_mark_ready,
    "draft": services.claim_back_to_draft,
    "withdrawn": services.claim_withdraw,
    "closed": services.claim_close,
}
DONE = {
    "ready": "Claim {number} is ready to submit.",
    "draft": "Claim {number} is a draft again.",
    "withdrawn": "Claim {number} was withdrawn; its sessions can be claimed again.",
    "closed": "Claim {number} is closed.",
}


def _transition_view(target: str) -> Any:
    """The view that moves a claim to `target` (one URL each: ready, draft,
    withdraw, close)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, claim_id: int) -> HttpResponse:
        return _transition(request, claim_id, target)

    view.__name__ = f"claim_{target}_view"
    return view


def _transition(request: HttpRequest, claim_id: int, target: str) -> HttpResponse:
    actor = actor_from_request(request)
    claim = access_claim(actor, claim_id, write=True)
    action = TRANSITIONS[target]
    try:
        claim = action(by=actor, claim=claim)
    except ValidationError as exc:
        for messages_list in exc.message_dict.values():
            for message in messages_list:
                messages.error(request, message)
    else:
        messages.success(request, DONE[target].format(number=claim.number))
    return redirect("claims:detail", claim_id=claim_id)


claim_ready_view = _transition_view("ready")
claim_draft_view = _transition_view("draft")
claim_withdraw_view = _transition_view("withdrawn")
claim_close_view = _transition_view("closed")


@login_required
@require_POST
def claim_submit_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    claim = access_claim(actor, claim_id, write=True)
    form = SubmitForm(request.POST, kind=claim.kind)
    if form.is_valid():
        try:
            claim = services.claim_submit(
                by=actor,
                claim=claim,
                submitted_on=form.cleaned_data["submitted_on"],
                channel=form.cleaned_data["channel"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Claim {claim.number} is submitted.")
            return redirect("claims:detail", claim_id=claim_id)
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(
                request,
                f"{form.fields[field].label if field in form.fields else ''} {error}".strip(),
            )
    return redirect("claims:detail", claim_id=claim_id)


@login_required
@require_POST
def claim_payer_id_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    claim = access_claim(actor, claim_id, write=True)
    form = PayerIdForm(request.POST)
    if form.is_valid():
        try:
            services.claim_update(by=actor, claim=claim, payer_id=form.cleaned_data["payer_id"])
        except ValidationError as exc:
            for error_list in exc.message_dict.values():
                for error in error_list:
                    messages.error(request, error)
        else:
            messages.success(request, "Saved the payer id.")
    return redirect("claims:detail", claim_id=claim_id)


@login_required
@require_http_methods(["GET", "POST"])
def claim_answer_page(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Record what the payer paid or denied, line by line."""
    actor = actor_from_request(request)
    claim = access_claim(actor, claim_id, write=True)
    appealed = claim.status == Status.APPEALED
    lines = [line for line in claim.lines.order_by("date", "pk") if appealed or not line.answered]
    form = AnswerForm(request.POST or None, lines=lines, initial={"received_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.claim_record_answer(
                by=actor,
                claim=claim,
                received_on=form.cleaned_data["received_on"],
                reference=form.cleaned_data["reference"],
                lines=form.answers(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            claim.refresh_from_db()
            what = "denial" if answer.paid == 0 else f"payment of {answer.paid}"
            status = claim.get_status_display().lower()
            messages.success(request, f"Recorded the {what}; claim {claim.number} is {status}.")
            return redirect("claims:detail", claim_id=claim_id)
    return render(request, "claims/answer_form.html", {"claim": claim, "form": form})


# --------------------------------------------------------------------- documents


@login_required
def claim_packet_download(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    claim = access_claim(actor, claim_id)
    content, name = claim_packet_pdf(by=actor, claim=claim)
    return _pdf(content, name)


@login_required
def claim_cms1500_download(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    claim = access_claim(actor, claim_id)
    content, name = cms1500_pdf(by=actor, claim=claim)
    return _pdf(content, name)


@login_required
def claim_837_download(request: HttpRequest, claim_id: int) -> HttpResponse:
    from fitclaim.claims.x12 import x12_837_generate

    actor = actor_from_request(request)
    claim = access_claim(actor, claim_id, write=True)
    try:
        text, batch = x12_837_generate(by=actor, claims=[claim])
    except ValidationError as exc:
        for error_list in exc.message_dict.values():
            for error in error_list:
                messages.error(request, error)
        return redirect("claims:detail", claim_id=claim_id)
    return _file(text, f"837P-{batch.pk:09d}-{claim.number}.x12", "text/plain")


@login_required
@require_POST
def claims_837_batch(request: HttpRequest) -> HttpResponse:
    """One 837P for the chosen ready insurance claims."""
    from fitclaim.claims.x12 import x12_837_generate

    actor = actor_from_request(request)
    if not may_edit_visible_clients(actor):
        raise Http404("not found")
    ids = request.POST.getlist("claims")
    claims = [access_claim(actor, claim_id, write=True) for claim_id in ids]
    if not claims:
        messages.error(request, "Choose the insurance claims to put in the 837P.")
        return redirect("claims:list")
    try:
        text, batch = x12_837_generate(by=actor, claims=claims)
    except ValidationError as exc:
        for error_list in exc.message_dict.values():
            for error in error_list:
                messages.error(request, error)
        return redirect("claims:list")
    return _file(text, f"837P-{batch.pk:09d}.x12", "text/plain")


# --------------------------------------------------------------------- appeals


@login_required
@require_POST
def appeal_create_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    claim = access_claim(actor, claim_id, write=True)
    try:
        appeal = services.appeal_draft(by=actor, claim=claim, line=request.POST.get("line", ""))
    except ValidationError as exc:
        for error_list in exc.message_dict.values():
            for error in error_list:
                messages.error(request, error)
        return redirect("claims:detail", claim_id=claim_id)
    messages.success(request, f"Drafted appeal {appeal.reference}: read it, edit it, send it.")
    return redirect("claims:appeal", claim_id=claim_id, appeal_id=appeal.pk)


def _appeal(actor: Any, claim_id: int, appeal_id: int, *, write: bool = False) -> Appeal:
    claim = access_claim(actor, claim_id, write=write)
    appeal = claim.appeals.select_related("claim", "line").filter(pk=appeal_id).first()
    if appeal is None:
        raise Http404("not found")
    return appeal


@login_required
@require_http_methods(["GET", "POST"])
def appeal_page(request: HttpRequest, claim_id: int, appeal_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    may_edit = may_edit_visible_clients(actor)
    appeal = _appeal(actor, claim_id, appeal_id, write=request.method == "POST")
    form = AppealForm(request.POST or None, initial={"body": appeal.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_update(by=actor, appeal=appeal, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved appeal {appeal.reference}.")
            return redirect("claims:appeal", claim_id=claim_id, appeal_id=appeal.pk)
    return render(
        request,
        "claims/appeal.html",
        {
            "appeal": appeal,
            "claim": appeal.claim,
            "form": form,
            "send_form": AppealSendForm(initial={"sent_on": _today()}),
            "may_edit": may_edit,
        },
    )


@login_required
@require_POST
def appeal_send_view(request: HttpRequest, claim_id: int, appeal_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    appeal = _appeal(actor, claim_id, appeal_id, write=True)
    form = AppealSendForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_send(by=actor, appeal=appeal, sent_on=form.cleaned_data["sent_on"])
        except ValidationError as exc:
            for error_list in exc.message_dict.values():
                for error in error_list:
                    messages.error(request, error)
        else:
            messages.success(request, f"Appeal {appeal.reference} sent; the claim is appealed.")
    else:
        messages.error(request, "Give the date the appeal was sent.")
    return redirect("claims:detail", claim_id=claim_id)


@login_required
def appeal_download(request: HttpRequest, claim_id: int, appeal_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    appeal = _appeal(actor, claim_id, appeal_id)
    content, name = appeal_pdf(by=actor, appeal=appeal)
    return _pdf(content, name)


# --------------------------------------------------------------------- the organization's claims


def _filtered(request: HttpRequest, actor: Any) -> tuple[ClaimFilterForm, Any]:
    form = ClaimFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    age = data.get("age") or ""
    claims = claim_list(
        actor=actor,
        status=data.get("status") or "",
        kind=data.get("kind") or "",
        min_age_days=int(age) if age else None,
        today=_today(),
    ).annotate(line_count=Count("lines"))
    return form, claims


@login_required
def claim_list_page(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    actor = actor_from_request(request)
    form, claims = _filtered(request, actor)
    page = Paginator(claims, 50).get_page(request.GET.get("page"))
    today = _today()
    return render(
        request,
        "claims/claim_list.html",
        {
            "form": form,
            "page": page,
            "claims": page.object_list,
            "today": today,
            "query": request.GET.urlencode(),
            "may_edit": may_edit_visible_clients(actor),
        },
    )


@login_required
def claim_list_csv(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    _form, claims = _filtered(request, actor)
    return _file(claims_csv(claims, today=_today()), "claims.csv", "text/csv; charset=utf-8")


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    today = _today()
    from fitclaim.claims.reports import AGE_BUCKETS

    return render(
        request,
        "claims/reports.html",
        {
            "aging": claims_aging(actor=actor, today=today),
            "buckets": [label for label, *_ in AGE_BUCKETS],
            "reimbursed": reimbursed_per_source(actor=actor),
            "today": today,
        },
    )


@login_required
def reimbursed_csv_download(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return _file(
        reimbursed_csv(reimbursed_per_source(actor=actor)),
        "reimbursed-per-source.csv",
        "text/csv; charset=utf-8",
    )


@login_required
@require_http_methods(["GET", "POST"])
def era_import_page(request: HttpRequest) -> HttpResponse:
    """Upload an 835: everything is posted, or nothing and the report says why."""
    actor = actor_from_request(request)
    if not may_edit_visible_clients(actor):
        raise Http404("not found")
    form = EraUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read(5 * 1024 * 1024 + 1)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        report = era_import(
            by=actor, text=text, file_name=upload.name or "", dry_run=form.cleaned_data["dry_run"]
        )
        if report.posted:
            messages.success(
                request, f"Posted {len(report.matches)} claim payment(s) from {upload.name}."
            )
    return render(request, "claims/era_import.html", {"form": form, "report": report})


# --------------------------------------------------------------------- HSA ledger and statements


@login_required
def hsa_ledger_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id)
    today = _today()
    source, entries = hsa_ledger(client=client, as_of=today)
    fmt = request.GET.get("format")
    if fmt == "csv":
        return _file(
            hsa_ledger_csv(entries), f"hsa-ledger-{client.pk}.csv", "text/csv; charset=utf-8"
        )
    if fmt == "pdf":
        return _pdf(
            hsa_ledger_pdf(by=actor, client=client, as_of=today), f"hsa-ledger-{client.pk}.pdf"
        )
    return render(
        request,
        "claims/hsa_ledger.html",
        {
            "client": client,
            "source": source,
            "entries": entries,
            "total": sum((e.not_reimbursed for e in entries), 0),
        },
    )


@login_required
def statement_download(request: HttpRequest, client_id: int, year: int) -> HttpResponse:
    from fitclaim.audit.services import audit_record

    actor = actor_from_request(request)
    client = access_client(actor, client_id)
    if not 2000 <= year <= _today().year:
        raise Http404("no such year")
    statement = year_end_statement(client=client, year=year)
    audit_record(
        actor=actor,
        action="download",
        entity="statement",
        entity_id=client.pk,
        client_id=client.pk,
        summary=f"downloaded the {year} statement of medical expenses of {client.name}",
    )
    if request.GET.get("format") == "csv":
        return _file(
            statement_csv(statement), f"statement-{year}-{client.pk}.csv", "text/csv; charset=utf-8"
        )
    return _pdf(statement_pdf(statement), f"statement-{year}-{client.pk}.pdf")
