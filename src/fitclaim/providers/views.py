"""Provider pages. Each view: who is acting, access, the form, one service call."""

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
from fitclaim.providers.forms import ProviderForm
from fitclaim.providers.selectors import access_provider, provider_list
from fitclaim.providers.services import provider_create, provider_update

PAGE_SIZE = 50


def _directory_actor(request: HttpRequest, *, write: bool = False) -> Actor:
    return check_directory(actor_from_request(request), write=write)


@login_required
def provider_list_page(request: HttpRequest) -> HttpResponse:
    actor = _directory_actor(request)
    search = request.GET.get("q", "")
    page = Paginator(provider_list(actor=actor, search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "providers/provider_list.html",
        {"page": page, "search": search, "may_edit": may_edit_directory(actor)},
    )


@login_required
def provider_detail_page(request: HttpRequest, provider_id: int) -> HttpResponse:
    actor = _directory_actor(request)
    provider = access_provider(actor, provider_id)
    return render(
        request,
        "providers/provider_detail.html",
        {"provider": provider, "may_edit": may_edit_directory(actor)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def provider_create_page(request: HttpRequest) -> HttpResponse:
    actor = _directory_actor(request, write=True)
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = provider_create(by=actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added {provider.name}.")
            return redirect("providers:detail", provider_id=provider.pk)
    return render(request, "providers/provider_form.html", {"form": form, "provider": None})


@login_required
@require_http_methods(["GET", "POST"])
def provider_edit_page(request: HttpRequest, provider_id: int) -> HttpResponse:
    actor = _directory_actor(request, write=True)
    provider = access_provider(actor, provider_id, write=True)
    form = ProviderForm(request.POST or None, initial=ProviderForm.initial_for(provider))
    if request.method == "POST" and form.is_valid():
        try:
            provider = provider_update(by=actor, provider=provider, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {provider.name}.")
            return redirect("providers:detail", provider_id=provider.pk)
    return render(request, "providers/provider_form.html", {"form": form, "provider": provider})
