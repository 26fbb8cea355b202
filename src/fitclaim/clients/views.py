"""Client pages. Each view: who is acting, access, the form, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fitclaim.accounts.actor import actor_from_request
from fitclaim.clients.access import (
    may_create_clients,
    may_create_portal_logins,
    may_edit_visible_clients,
)
from fitclaim.clients.forms import ClientForm, PortalLoginForm, add_service_errors
from fitclaim.clients.selectors import (
    access_client,
    client_get_for_view,
    client_list,
    condition_rows,
    portal_login_of,
)
from fitclaim.clients.services import client_create, client_create_portal_login, client_update
from fitclaim.funding.selectors import funding_sources_of
from fitclaim.trainers.selectors import trainers_visible_to

PAGE_SIZE = 50


@login_required
def client_list_page(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    search = request.GET.get("q", "")
    page = Paginator(client_list(actor=actor, search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "clients/client_list.html",
        {"page": page, "search": search, "may_create": may_create_clients(actor)},
    )


@login_required
def client_detail_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = client_get_for_view(by=actor, client_id=client_id)
    portal = portal_login_of(client)
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "conditions": condition_rows(client),
            "sources": funding_sources_of(client),
            "portal": portal,
            "may_edit": may_edit_visible_clients(actor),
            "may_create_portal_login": may_create_portal_logins(actor) and portal is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_create_page(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not may_create_clients(actor):
        raise Http404("not found")
    form = ClientForm(request.POST or None, trainers=trainers_visible_to(actor))
    if request.method == "POST" and form.is_valid():
        try:
            client = client_create(by=actor, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added {client.name}.")
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@login_required
@require_http_methods(["GET", "POST"])
def client_edit_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    form = ClientForm(
        request.POST or None,
        initial=ClientForm.initial_for(client),
        trainers=trainers_visible_to(actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            client = client_update(by=actor, client=client, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {client.name}.")
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@login_required
@require_http_methods(["GET", "POST"])
def client_portal_login_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    if not may_create_portal_logins(actor):
        raise Http404("not found")
    form = PortalLoginForm(request.POST or None, initial={"email": client.email})
    if request.method == "POST" and form.is_valid():
        try:
            membership = client_create_portal_login(
                by=actor, client=client, email=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{client.name} can now sign in as {membership.user.email}: we emailed a link.",
            )
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/portal_login_form.html", {"form": form, "client": client})
