"""Pre-authorization pages. Each view: who is acting, access, the form, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fitclaim.accounts.actor import actor_from_request
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.forms import add_service_errors
from fitclaim.clients.models import Client
from fitclaim.clients.selectors import access_client
from fitclaim.funding.models import FundingKind
from fitclaim.preauths.forms import AnswerForm, PreauthForm
from fitclaim.preauths.selectors import (
    access_preauthorization,
    preauth_alerts,
    preauth_get_for_view,
    preauth_request_pdf,
    preauth_sessions_used,
    preauths_of_client,
)
from fitclaim.preauths.services import preauth_create, preauth_record_answer, preauth_update
from fitclaim.web.responses import document_response


def _form(request: HttpRequest, client: Client, **kwargs: object) -> PreauthForm:
    from fitclaim.lmns.models import LmnStatus

    return PreauthForm(
        request.POST if request.method == "POST" else None,
        sources=client.funding_sources.filter(kind=FundingKind.INSURANCE).order_by("order", "pk"),
        letters=client.lmns.exclude(status=LmnStatus.REVOKED).order_by("-version", "-pk"),
        **kwargs,  # type: ignore[arg-type]
    )


@login_required
@require_GET
def preauth_list_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id)
    today = timezone.localdate()
    preauths = [(p, preauth_alerts(p, today=today)) for p in preauths_of_client(client)]
    return render(
        request,
        "preauths/preauth_list.html",
        {"client": client, "preauths": preauths, "may_edit": may_edit_visible_clients(actor)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def preauth_create_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    from fitclaim.lmns.models import LmnStatus

    letter = client.lmns.filter(status=LmnStatus.SIGNED).order_by("-valid_to", "-pk").first()
    today = timezone.localdate()
    initial = {"requested_on": today, "requested_from": today}
    if letter is not None:
        initial |= {
            "lmn_id": letter.pk,
            "requested_from": max(today, letter.valid_from or today),
            "requested_to": letter.valid_to,
        }
        if letter.sessions_authorized:
            initial["requested_sessions"] = letter.sessions_authorized
    insurance = client.funding_sources.filter(kind=FundingKind.INSURANCE).order_by("order", "pk")
    first = insurance.first()
    if first is not None:
        initial["source_id"] = first.pk
        initial["service_codes"] = list(first.covered_codes or [])[:2] or ["S9451"]
    form = _form(request, client, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            preauth = preauth_create(by=actor, client=client, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Recorded the request {preauth.display_reference}.")
            return redirect("preauths:detail", preauth_id=preauth.pk)
    return render(
        request,
        "preauths/preauth_form.html",
        {"form": form, "client": client, "preauth": None, "has_insurance": first is not None},
    )


@login_required
@require_GET
def preauth_detail_page(request: HttpRequest, preauth_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    preauth = preauth_get_for_view(by=actor, preauth_id=preauth_id)
    today = timezone.localdate()
    return render(
        request,
        "preauths/preauth_detail.html",
        {
            "preauth": preauth,
            "client": preauth.client,
            "alerts": preauth_alerts(preauth, today=today),
            "sessions_used": preauth_sessions_used(preauth),
            "may_edit": may_edit_visible_clients(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def preauth_edit_page(request: HttpRequest, preauth_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    preauth = access_preauthorization(actor, preauth_id, write=True)
    form = _form(request, preauth.client, initial=PreauthForm.initial_for(preauth))
    if request.method == "POST" and form.is_valid():
        try:
            preauth = preauth_update(by=actor, preauth=preauth, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {preauth.display_reference}.")
            return redirect("preauths:detail", preauth_id=preauth.pk)
    return render(
        request,
        "preauths/preauth_form.html",
        {"form": form, "client": preauth.client, "preauth": preauth, "has_insurance": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def preauth_answer_page(request: HttpRequest, preauth_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    preauth = access_preauthorization(actor, preauth_id, write=True)
    form = AnswerForm(
        request.POST if request.method == "POST" else None, initial=AnswerForm.initial_for(preauth)
    )
    if request.method == "POST" and form.is_valid():
        try:
            preauth = preauth_record_answer(by=actor, preauth=preauth, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Recorded the answer: {preauth.display_reference} is "
                f"{preauth.get_status_display().lower()}.",
            )
            return redirect("preauths:detail", preauth_id=preauth.pk)
    return render(
        request,
        "preauths/preauth_answer.html",
        {"form": form, "client": preauth.client, "preauth": preauth},
    )


@login_required
@require_GET
def preauth_request_pdf_view(request: HttpRequest, preauth_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    preauth = access_preauthorization(actor, preauth_id)
    content, filename = preauth_request_pdf(by=actor, preauth=preauth)
    return document_response(content, filename, inline=True)
