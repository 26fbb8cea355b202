"""The audit page: an organization's trail, for its admins (anyone else: 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fitclaim.accounts.actor import actor_from_request
from fitclaim.audit import selectors
from fitclaim.audit.forms import AuditFilterForm

PAGE_SIZE = 50


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    form = AuditFilterForm(
        request.GET or None,
        people=selectors.audit_people(actor=actor),
        entities=selectors.audit_entities(actor=actor),
    )
    where = form.to_filter() if form.is_bound and form.is_valid() else None
    events = selectors.audit_events(actor=actor, where=where)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page links keep the filters; only the page number changes.
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "filter_query": query.urlencode()},
    )


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    event = selectors.access_audit_event(actor=actor, event_id=event_id)
    return render(
        request,
        "audit/event_detail.html",
        {"event": event, "rows": selectors.change_rows(event)},
    )
