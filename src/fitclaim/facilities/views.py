"""Facility pages. Each view: who is acting, access, the form, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fitclaim.accounts.actor import Actor, actor_from_request
from fitclaim.clients.access import check_directory, may_edit_directory
from fitclaim.clients.forms import add_service_errors
from fitclaim.facilities.forms import FacilityForm
from fitclaim.facilities.selectors import access_facility, facility_list
from fitclaim.facilities.services import facility_create, facility_update

PAGE_SIZE = 50


def _directory_actor(request: HttpRequest, *, write: bool = False) -> Actor:
    return check_directory(actor_from_request(request), write=write)


@login_required
def facility_list_page(request: HttpRequest) -> HttpResponse:
    actor = _directory_actor(request)
    search = request.GET.get("q", "")
    page = Paginator(facility_list(actor=actor, search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "facilities/facility_list.html",
        {"page": page, "search": search, "may_edit": may_edit_directory(actor)},
    )


@login_required
def facility_detail_page(request: HttpRequest, facility_id: int) -> HttpResponse:
    actor = _directory_actor(request)
    facility = access_facility(actor, facility_id)
    return render(
        request,
        "facilities/facility_detail.html",
        {"facility": facility, "may_edit": may_edit_directory(actor)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def facility_create_page(request: HttpRequest) -> HttpResponse:
    actor = _directory_actor(request, write=True)
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            facility = facility_create(by=actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added {facility.name}.")
            return redirect("facilities:detail", facility_id=facility.pk)
    return render(request, "facilities/facility_form.html", {"form": form, "facility": None})


@login_required
@require_http_methods(["GET", "POST"])
def facility_edit_page(request: HttpRequest, facility_id: int) -> HttpResponse:
    actor = _directory_actor(request, write=True)
    facility = access_facility(actor, facility_id, write=True)
    form = FacilityForm(request.POST or None, initial=FacilityForm.initial_for(facility))
    if request.method == "POST" and form.is_valid():
        try:
            facility = facility_update(by=actor, facility=facility, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {facility.name}.")
            return redirect("facilities:detail", facility_id=facility.pk)
    return render(request, "facilities/facility_form.html", {"form": form, "facility": facility})
