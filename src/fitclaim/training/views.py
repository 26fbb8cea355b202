"""Session pages. Each view: who is acting, access, the form, one service call."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from fitclaim.accounts.actor import Actor, actor_from_request
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.forms import add_service_errors
from fitclaim.clients.models import Client
from fitclaim.clients.selectors import access_client
from fitclaim.facilities.selectors import facilities_visible_to
from fitclaim.trainers.selectors import trainer_for_actor, trainers_visible_to
from fitclaim.training.forms import ImportForm, ScheduleForm, SessionForm
from fitclaim.training.models import SessionStatus, TrainingSession
from fitclaim.training.selectors import (
    access_session,
    client_sessions,
    session_checks,
    sessions_on_day,
)
from fitclaim.training.services import (
    schedule_create,
    session_log,
    session_mark,
    session_update,
)

PAGE_SIZE = 50
MARKS = [
    (SessionStatus.ATTENDED, "Attended"),
    (SessionStatus.NO_SHOW, "No-show"),
    (SessionStatus.CANCELLED, "Cancelled"),
]


def _form_kwargs(actor: Actor) -> dict[str, object]:
    return {"trainers": trainers_visible_to(actor), "facilities": facilities_visible_to(actor)}


def _default_trainer(actor: Actor, client: Client) -> int | None:
    own = trainer_for_actor(actor)
    if own is not None:
        return own.pk
    first = client.trainers.order_by("name", "pk").first()
    return first.pk if first else None


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _warn_checks(request: HttpRequest, session: TrainingSession) -> None:
    for check in session_checks(session):
        messages.warning(request, f"Warning ({check.code}): {check.message}")


@login_required
def client_sessions_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id)
    page = Paginator(client_sessions(client=client), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(session, session_checks(session)) for session in page.object_list]
    return render(
        request,
        "training/client_sessions.html",
        {
            "client": client,
            "page": page,
            "rows": rows,
            "may_edit": may_edit_visible_clients(actor),
            "marks": MARKS,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    form = SessionForm(
        request.POST or None,
        initial={
            "date": timezone.localdate(),
            "trainer": _default_trainer(actor, client),
            "minutes": 60,
        },
        **_form_kwargs(actor),  # type: ignore[arg-type]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = session_log(
                by=actor,
                client=client,
                trainer=data["trainer"],
                facility=data["facility"],
                date=data["date"],
                start_time=data["start_time"],
                minutes=data["minutes"],
                code=data["code"],
                units=data["units"],
                charge=data["charge"],
                status=data["status"] or None,
                notes=data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Logged the {session.date:%Y-%m-%d} session "
                f"({session.get_status_display().lower()}).",
            )
            _warn_checks(request, session)
            return redirect("training:client_sessions", client_id=client.pk)
    return render(
        request, "training/session_form.html", {"form": form, "client": client, "session": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule_create_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    form = ScheduleForm(
        request.POST or None,
        initial={
            "starts_on": timezone.localdate(),
            "trainer": _default_trainer(actor, client),
            "weeks": 12,
            "minutes": 60,
        },
        **_form_kwargs(actor),  # type: ignore[arg-type]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule = schedule_create(
                by=actor,
                client=client,
                trainer=data["trainer"],
                facility=data["facility"],
                starts_on=data["starts_on"],
                weekdays=data["weekdays"],
                start_time=data["start_time"],
                weeks=data["weeks"],
                minutes=data["minutes"],
                code=data["code"],
                units=data["units"],
                charge=data["charge"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            count = schedule.sessions.count()
            messages.success(request, f"Scheduled {count} sessions.")
            first = schedule.sessions.select_related("trainer").first()
            if first is not None:
                _warn_checks(request, first)
            return redirect("training:client_sessions", client_id=client.pk)
    return render(request, "training/schedule_form.html", {"form": form, "client": client})


@login_required
def session_detail_page(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    session = access_session(actor, session_id)
    allocations = session.allocations.select_related("payment__package").order_by("applied_on")
    uploads = session.uploaded_receipts.select_related("file").order_by("-created_at")
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "client": session.client,
            "checks": session_checks(session),
            "allocations": allocations,
            "uploads": uploads,
            "may_edit": may_edit_visible_clients(actor),
            "marks": MARKS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit_page(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    session = access_session(actor, session_id, write=True)
    form = SessionForm(
        request.POST or None,
        initial=SessionForm.initial_for(session),
        **_form_kwargs(actor),  # type: ignore[arg-type]
    )
    form.fields.pop("status")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            session = session_update(by=actor, session=session, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved the session.")
            _warn_checks(request, session)
            return redirect("training:detail", session_id=session.pk)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "client": session.client, "session": session},
    )


@login_required
@require_POST
def session_mark_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """Mark a session attended, no-show or cancelled. From htmx, answer with the
    updated row (day view or client list); otherwise go back where we came from."""
    actor = actor_from_request(request)
    session = access_session(actor, session_id, write=True)
    status = request.POST.get("status", "")
    error = ""
    try:
        session = session_mark(by=actor, session=session, status=status)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if getattr(request, "htmx", False):
        session = access_session(actor, session.pk)
        template = (
            "training/_client_session_row.html"
            if request.POST.get("view") == "client"
            else "training/_day_row.html"
        )
        from fitclaim.training.selectors import with_money

        annotated = with_money(TrainingSession.objects.filter(pk=session.pk)).select_related(
            "client", "trainer", "facility"
        )
        return render(
            request,
            template,
            {
                "session": annotated.get(),
                "checks": session_checks(session),
                "marks": MARKS,
                "may_edit": True,
                "error": error,
                "today": timezone.localdate(),
                "next": _safe_next(request, ""),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            f"{session.client.name}, {session.date:%Y-%m-%d}: {session.get_status_display()}.",
        )
    fallback = reverse("training:day") + f"?date={session.date.isoformat()}"
    return redirect(_safe_next(request, fallback))


@login_required
def day_page(request: HttpRequest) -> HttpResponse:
    """Every session of a day, with one-click attendance."""
    actor = actor_from_request(request)
    if not may_edit_visible_clients(actor):
        raise Http404("not found")
    try:
        day = (
            dt.date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else None
        )
    except ValueError:
        day = None
    day = day or timezone.localdate()
    own = trainer_for_actor(actor)
    mine = bool(own) and request.GET.get("mine") == "1"
    sessions = list(
        sessions_on_day(actor=actor, day=day, trainer_id=own.pk if mine and own else None)
    )
    return render(
        request,
        "training/day.html",
        {
            "day": day,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "today": timezone.localdate(),
            "sessions": sessions,
            "marks": MARKS,
            "may_edit": True,
            "own": own,
            "mine": mine,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a sessions CSV: "Check" reports every problem by line and column
    and writes nothing; "Import" writes every row or none."""
    from fitclaim.training.imports import sessions_import

    actor = actor_from_request(request)
    if not may_edit_visible_clients(actor):
        raise Http404("not found")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = request.POST.get("action") != "import"
        try:
            report = sessions_import(
                by=actor, content=upload.read(), file_name=upload.name, dry_run=dry_run
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if report.committed:
                messages.success(request, report.summary())
                return redirect("training:import")
    return render(request, "training/import.html", {"form": form, "report": report})
