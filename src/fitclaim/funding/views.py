"""Funding source pages. Each view: who is acting, access, the form, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fitclaim.accounts.actor import actor_from_request
from fitclaim.clients.forms import add_service_errors
from fitclaim.clients.selectors import access_client
from fitclaim.funding.forms import FundingKindForm, FundingPreferencesForm, FundingSourceForm
from fitclaim.funding.models import KIND_SPECS
from fitclaim.funding.selectors import access_funding_source, funding_sources_of
from fitclaim.funding.services import (
    funding_preferences_update,
    funding_source_create,
    funding_source_delete,
    funding_source_update,
)


def _back_to_client(client_id: int) -> HttpResponse:
    return redirect(reverse("clients:detail", kwargs={"client_id": client_id}) + "#funding")


@login_required
@require_http_methods(["GET", "POST"])
def funding_source_create_page(request: HttpRequest, client_id: int) -> HttpResponse:
    """Kind first: choosing the kind (htmx swaps the form in place, or a plain
    GET without JavaScript) shows only that kind's fields."""
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    kind_form = FundingKindForm(initial={"kind": kind})
    form = None
    if kind in KIND_SPECS:
        form = FundingSourceForm(
            request.POST if request.method == "POST" else None,
            kind=kind,
            initial=FundingSourceForm.initial_for_new(kind),
        )
        if request.method == "POST" and form.is_valid():
            try:
                source = funding_source_create(
                    by=actor, client=client, kind=kind, data=form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Added {source.name}.")
                return _back_to_client(client.pk)
    return render(
        request,
        "funding/funding_source_form.html",
        {"client": client, "kind": kind, "kind_form": kind_form, "form": form, "source": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def funding_source_edit_page(request: HttpRequest, client_id: int, source_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    source = access_funding_source(actor, source_id, client_id=client_id, write=True)
    form = FundingSourceForm(
        request.POST if request.method == "POST" else None,
        kind=source.kind,
        initial=FundingSourceForm.initial_for(source),
    )
    if request.method == "POST" and form.is_valid():
        try:
            source = funding_source_update(by=actor, source=source, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {source.name}.")
            return _back_to_client(source.client_id)
    return render(
        request,
        "funding/funding_source_form.html",
        {"client": source.client, "kind": source.kind, "form": form, "source": source},
    )


@login_required
@require_http_methods(["GET", "POST"])
def funding_source_delete_page(
    request: HttpRequest, client_id: int, source_id: int
) -> HttpResponse:
    actor = actor_from_request(request)
    source = access_funding_source(actor, source_id, client_id=client_id, write=True)
    if request.method == "POST":
        funding_source_delete(by=actor, source=source)
        messages.success(request, f"Removed {source.name}.")
        return _back_to_client(source.client_id)
    return render(
        request, "funding/funding_source_delete.html", {"client": source.client, "source": source}
    )


@login_required
@require_http_methods(["GET", "POST"])
def funding_preferences_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    sources = funding_sources_of(client)
    form = FundingPreferencesForm(
        request.POST or None,
        sources=sources,
        initial=FundingPreferencesForm.initial_for(client, sources),
    )
    if request.method == "POST" and form.is_valid():
        try:
            funding_preferences_update(
                by=actor,
                client=client,
                strategy=form.cleaned_data["strategy"],
                priority=form.cleaned_data["priority"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved the funding preferences.")
            return _back_to_client(client.pk)
    return render(
        request, "funding/funding_preferences_form.html", {"client": client, "form": form}
    )
