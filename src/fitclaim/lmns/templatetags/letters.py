"""Template helpers for letters: the printed letter's rows (so the page shows
what the PDF prints), status badges, and the panels other pages include."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from fitclaim.documents import lmn as printed

register = template.Library()


@register.filter
def patient_rows(doc: printed.LetterDocument) -> list[tuple[str, str]]:
    return printed.patient_rows(doc)


@register.filter
def plan_rows(doc: printed.LetterDocument) -> list[tuple[str, str]]:
    return printed.plan_rows(doc)


@register.filter
def provider_rows(doc: printed.LetterDocument) -> list[tuple[str, str]]:
    return printed.provider_rows(doc)


@register.filter
def signature_lines(doc: printed.LetterDocument) -> list[tuple[str, str]]:
    return printed.signature_lines(doc.signature) if doc.signature else []


@register.simple_tag
def attestation() -> str:
    return printed.ATTESTATION


BADGES = {
    "active": "ok",
    "signed, not yet in force": "ok",
    "awaiting signature": "warn",
    "lapsed": "danger",
    "expired": "danger",
    "revoked": "danger",
    "declined": "danger",
    "draft": "muted",
    "superseded": "muted",
    "approved": "ok",
    "pending": "warn",
    "denied": "danger",
}


@register.filter
def status_badge(label: str) -> str:
    return BADGES.get(label, "muted")


@register.filter
def display_status(lmn: Any, today: dt.date | None = None) -> str:
    return lmn.display_status(today or timezone.localdate())


def _actor(context: template.Context) -> Any:
    from fitclaim.accounts.actor import actor_from_request

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    try:
        return actor_from_request(request)
    except Exception:  # no membership: nothing to show
        return None


@register.inclusion_tag("lmns/_client_letters_panel.html", takes_context=True)
def client_letters(context: template.Context, client: Any) -> dict[str, Any]:
    """The Letters section of a client's record: the page including it has
    already checked that the viewer may see this client."""
    from fitclaim.clients.access import may_edit_visible_clients
    from fitclaim.lmns.selectors import lmns_of_client

    actor = _actor(context)
    return {
        "client": client,
        "letters": list(lmns_of_client(client)) if actor is not None else [],
        "today": timezone.localdate(),
        "may_edit": actor is not None and may_edit_visible_clients(actor),
    }


@register.inclusion_tag("lmns/_needs_attention_panel.html", takes_context=True)
def needs_attention(context: template.Context, limit: int = 8) -> dict[str, Any]:
    """Letters and pre-authorizations that need someone, for the dashboard."""
    from fitclaim.lmns.selectors import letters_needing_attention
    from fitclaim.preauths.selectors import preauths_needing_attention

    actor = _actor(context)
    if actor is None or actor.role == "client":
        return {"items": [], "shown": False}
    today = timezone.localdate()
    items = letters_needing_attention(actor=actor, today=today)
    items += preauths_needing_attention(actor=actor, today=today)
    items.sort(key=lambda item: (item.due or dt.date.max, item.client.name))
    return {"items": items[:limit], "more": max(0, len(items) - limit), "shown": True}


FIELD_LABELS = {
    "patient_name": "Patient's name",
    "patient_birth_date": "Patient's birth date",
    "diagnoses": "Diagnoses",
    "necessity_statement": "Statement of medical necessity",
    "exercise_kind": "Kind of exercise",
    "sessions_per_week": "Sessions per week",
    "minutes_per_session": "Minutes per session",
    "valid_from": "Valid from",
    "valid_to": "Valid through",
    "provider_name": "Provider's name",
    "provider_kind": "Provider's kind",
    "provider_credentials": "Provider's credentials",
    "provider_npi": "Provider's NPI",
    "provider": "Provider",
    "signature": "Signature",
}


@register.filter
def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
