"""Trainer pages. Each view: who is acting, access, the form, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fitclaim.accounts.actor import Actor, actor_from_request
from fitclaim.clients.access import check_directory, may_edit_directory
from fitclaim.clients.forms import add_service_errors
from fitclaim.trainers.forms import COMMON_CREDENTIALS, CredentialForm, TrainerForm
from fitclaim.trainers.selectors import (
    access_credential,
    access_trainer,
    staff_users_of,
    trainer_clients,
    trainer_get_for_view,
    trainer_list,
)
from fitclaim.trainers.services import (
    credential_create,
    credential_delete,
    credential_update,
    trainer_create,
    trainer_update,
)

PAGE_SIZE = 50


def _directory_actor(request: HttpRequest, *, write: bool = False) -> Actor:
    return check_directory(actor_from_request(request), write=write)


@login_required
def trainer_list_page(request: HttpRequest) -> HttpResponse:
    actor = _directory_actor(request)
    search = request.GET.get("q", "")
    trainers = trainer_list(actor=actor, today=timezone.localdate(), search=search)
    page = Paginator(trainers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainers/trainer_list.html",
        {"page": page, "search": search, "may_edit": may_edit_directory(actor)},
    )


@login_required
def trainer_detail_page(request: HttpRequest, trainer_id: int) -> HttpResponse:
    actor = _directory_actor(request)
    today = timezone.localdate()
    trainer = trainer_get_for_view(by=actor, trainer_id=trainer_id, today=today)
    credentials = [
        {"credential": c, "expired": c.is_expired(today), "expires_soon": c.expires_soon(today)}
        for c in trainer.credentials.all()
    ]
    return render(
        request,
        "trainers/trainer_detail.html",
        {
            "trainer": trainer,
            "credentials": credentials,
            "clients": trainer_clients(actor=actor, trainer=trainer),
            "may_edit": may_edit_directory(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def trainer_create_page(request: HttpRequest) -> HttpResponse:
    actor = _directory_actor(request, write=True)
    form = TrainerForm(request.POST or None, users=staff_users_of(actor))
    if request.method == "POST" and form.is_valid():
        try:
            trainer = trainer_create(by=actor, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added {trainer.name}.")
            return redirect("trainers:detail", trainer_id=trainer.pk)
    return render(request, "trainers/trainer_form.html", {"form": form, "trainer": None})


@login_required
@require_http_methods(["GET", "POST"])
def trainer_edit_page(request: HttpRequest, trainer_id: int) -> HttpResponse:
    actor = _directory_actor(request, write=True)
    trainer = access_trainer(actor, trainer_id, write=True)
    form = TrainerForm(
        request.POST or None, initial=TrainerForm.initial_for(trainer), users=staff_users_of(actor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            trainer = trainer_update(by=actor, trainer=trainer, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {trainer.name}.")
            return redirect("trainers:detail", trainer_id=trainer.pk)
    return render(request, "trainers/trainer_form.html", {"form": form, "trainer": trainer})


@login_required
@require_http_methods(["GET", "POST"])
def credential_create_page(request: HttpRequest, trainer_id: int) -> HttpResponse:
    actor = _directory_actor(request, write=True)
    trainer = access_trainer(actor, trainer_id, write=True)
    form = CredentialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credential = credential_create(by=actor, trainer=trainer, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added {credential.code}.")
            return redirect("trainers:detail", trainer_id=trainer.pk)
    return render(
        request,
        "trainers/credential_form.html",
        {"form": form, "trainer": trainer, "credential": None, "codes": COMMON_CREDENTIALS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def credential_edit_page(request: HttpRequest, trainer_id: int, credential_id: int) -> HttpResponse:
    actor = _directory_actor(request, write=True)
    credential = access_credential(actor, trainer_id, credential_id, write=True)
    form = CredentialForm(request.POST or None, initial=CredentialForm.initial_for(credential))
    if request.method == "POST" and form.is_valid():
        try:
            credential = credential_update(by=actor, credential=credential, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {credential.code}.")
            return redirect("trainers:detail", trainer_id=credential.trainer_id)
    return render(
        request,
        "trainers/credential_form.html",
        {
            "form": form,
            "trainer": credential.trainer,
            "credential": credential,
            "codes": COMMON_CREDENTIALS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def credential_delete_page(
    request: HttpRequest, trainer_id: int, credential_id: int
) -> HttpResponse:
    actor = _directory_actor(request, write=True)
    credential = access_credential(actor, trainer_id, credential_id, write=True)
    if request.method == "POST":
        credential_delete(by=actor, credential=credential)
        messages.success(request, f"Removed {credential.code}.")
        return redirect("trainers:detail", trainer_id=trainer_id)
    return render(
        request,
        "trainers/credential_delete.html",
        {"trainer": credential.trainer, "credential": credential},
    )
