"""Coverage pages: a client's coverage (staff and the client themself) and the
organization's money waiting to be claimed (staff). Each view: who is acting,
the as-of date, one selector, the template."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fitclaim.accounts.actor import actor_from_request
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.coverage.forms import AsOfForm
from fitclaim.coverage.report import coverage_report
from fitclaim.coverage.selectors import (
    access_coverage,
    coverage_get_for_view,
    may_see_money_waiting,
    money_waiting,
)


@login_required
@require_GET
def coverage_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        # Access first: a wrong date must not tell anyone the client exists.
        client = access_coverage(actor, client_id)
        return render(
            request,
            "coverage/coverage.html",
            {"client": client, "form": form, "report": None},
            status=400,
        )
    as_of = form.as_of_date()
    coverage = coverage_get_for_view(by=actor, client_id=client_id, as_of=as_of)
    report = coverage_report(coverage, actor=actor)
    return render(
        request,
        "coverage/coverage.html",
        {
            "client": coverage.build.client,
            "form": form,
            "as_of": as_of,
            "report": report,
            "may_edit": may_edit_visible_clients(actor),
            "portal": actor.role == "client",
        },
    )


@login_required
@require_GET
def money_waiting_page(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not may_see_money_waiting(actor):
        raise Http404("not found")
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return render(request, "coverage/waiting.html", {"form": form, "waiting": None}, status=400)
    waiting = money_waiting(by=actor, as_of=form.as_of_date())
    return render(request, "coverage/waiting.html", {"form": form, "waiting": waiting})
