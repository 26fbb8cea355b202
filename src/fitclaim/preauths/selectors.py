"""Reading pre-authorizations: scoping, access, alerts, the request letter and
the bridge to the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record
from fitclaim.clients.access import as_actor, as_pk, may_edit_visible_clients
from fitclaim.clients.models import Client
from fitclaim.coverage import engine_ids
from fitclaim.domain.letters import PreauthAlert, preauthorization_alerts
from fitclaim.lmns.selectors import AttentionItem, training_session_model
from fitclaim.preauths.models import Preauthorization, PreauthStatus

ALERT_MESSAGES = {
    PreauthAlert.SESSIONS_RUNNING_OUT: "{left} approved session{s} left",
    PreauthAlert.ENDS_SOON: "ends in {days} day{ds} ({end})",
    PreauthAlert.EXPIRED_WITH_SESSIONS_SCHEDULED: (
        "ended on {end} with {scheduled} session{ss} still scheduled after it"
    ),
}


def preauths_visible_to(actor_or_user: Any) -> QuerySet[Preauthorization]:
    """The pre-authorizations of the clients the actor may see."""
    from fitclaim.clients.selectors import clients_visible_to

    actor = as_actor(actor_or_user)
    return Preauthorization.objects.filter(
        organization_id=actor.membership.organization_id,
        client__in=clients_visible_to(actor),
    )


def access_preauthorization(
    actor_or_user: Any, preauth_id: Any, *, write: bool = False
) -> Preauthorization:
    """The pre-authorization, if the actor may see its client (and change it,
    with write=True); else 404."""
    actor = as_actor(actor_or_user)
    preauth = (
        preauths_visible_to(actor)
        .select_related("client", "source", "lmn", "organization")
        .filter(pk=as_pk(preauth_id))
        .first()
    )
    if preauth is None or (write and not may_edit_visible_clients(actor)):
        raise Http404("not found")
    return preauth


def preauths_of_client(client: Client) -> QuerySet[Preauthorization]:
    return (
        Preauthorization.objects.filter(client=client)
        .select_related("source", "lmn")
        .order_by("-requested_on", "-pk")
    )


def preauth_list(
    *, actor: Actor, client_id: Any = None, status: str = ""
) -> QuerySet[Preauthorization]:
    preauths = preauths_visible_to(actor).select_related("client", "source", "lmn")
    if client_id is not None:
        preauths = preauths.filter(client_id=as_pk(client_id))
    if status:
        preauths = preauths.filter(status=status)
    return preauths.order_by("client__last_name", "client__first_name", "-requested_on", "-pk")


def preauth_get_for_view(*, by: Actor, preauth_id: Any) -> Preauthorization:
    """A pre-authorization for display; the view is in the audit trail."""
    preauth = access_preauthorization(by, preauth_id)
    audit_record(
        actor=by,
        action="view",
        entity="preauthorization",
        entity_id=preauth.pk,
        client_id=preauth.client_id,
        summary=f"viewed pre-authorization {preauth.display_reference} of {preauth.client.name}",
    )
    return preauth


# --- alerts ------------------------------------------------------------------------


def preauth_sessions_used(preauth: Preauthorization) -> int | None:
    """Sessions attended within the approved dates (None: no session records).

    An estimate for the alert: the engine's coverage result is the exact count
    (it attributes each session to one pre-authorization), but this needs no
    full case and errs early, which is the safe side for a warning."""
    model = training_session_model()
    if model is None or preauth.valid_from is None or preauth.valid_to is None:
        return None
    return model.objects.filter(
        client_id=preauth.client_id,
        date__gte=preauth.valid_from,
        date__lte=preauth.valid_to,
        status="attended",
    ).count()


def preauth_scheduled_after_end(preauth: Preauthorization) -> int:
    """Sessions still scheduled after the approved end date (0 without records)."""
    model = training_session_model()
    if model is None or preauth.valid_to is None:
        return 0
    return model.objects.filter(
        client_id=preauth.client_id, date__gt=preauth.valid_to, status="scheduled"
    ).count()


def preauth_alerts(preauth: Preauthorization, *, today: dt.date) -> list[tuple[PreauthAlert, str]]:
    """The pre-authorization's alerts with their messages."""
    if preauth.status != PreauthStatus.APPROVED:
        return []
    used = preauth_sessions_used(preauth)
    scheduled = preauth_scheduled_after_end(preauth)
    alerts = preauthorization_alerts(
        status=preauth.status,
        approved_sessions=preauth.approved_sessions,
        sessions_used=used,
        valid_to=preauth.valid_to,
        scheduled_after_end=scheduled,
        today=today,
    )
    left = max(0, (preauth.approved_sessions or 0) - (used or 0))
    days = (preauth.valid_to - today).days if preauth.valid_to else 0
    values = {
        "left": left,
        "s": "" if left == 1 else "s",
        "days": days,
        "ds": "" if days == 1 else "s",
        "end": preauth.valid_to.isoformat() if preauth.valid_to else "",
        "scheduled": scheduled,
        "ss": "" if scheduled == 1 else "s",
    }
    return [(alert, ALERT_MESSAGES[alert].format(**values)) for alert in alerts]


def preauths_needing_attention(*, actor: Actor, today: dt.date) -> list[AttentionItem]:
    """Approved pre-authorizations with an alert, and requests still pending
    after two weeks (insurers answer within about 15 days or need chasing)."""
    items: list[AttentionItem] = []
    candidates = (
        preauths_visible_to(actor)
        .filter(status__in=[PreauthStatus.APPROVED, PreauthStatus.PENDING])
        .select_related("client", "source")
        .order_by("pk")
    )
    for preauth in candidates:
        url = reverse("preauths:detail", args=[preauth.pk])
        name = f"{preauth.client.name}: pre-authorization {preauth.display_reference}"
        if preauth.status == PreauthStatus.PENDING:
            if (today - preauth.requested_on).days > 14:
                items.append(
                    AttentionItem(
                        preauth.client,
                        "preauth_pending",
                        f"{name} has been pending since {preauth.requested_on.isoformat()}.",
                        url,
                        preauth.requested_on,
                    )
                )
            continue
        if preauth.valid_to is not None and (today - preauth.valid_to).days > 90:
            continue  # long over: history, not a to-do
        for alert, message in preauth_alerts(preauth, today=today):
            items.append(
                AttentionItem(
                    preauth.client,
                    f"preauth_{alert.value}",
                    f"{name} ({preauth.source.name}): {message}.",
                    url,
                    preauth.valid_to,
                    "danger" if alert == PreauthAlert.EXPIRED_WITH_SESSIONS_SCHEDULED else "warn",
                )
            )
    return items


# --- the engine ----------------------------------------------------------------------


def preauth_engine_input(preauth: Preauthorization) -> dict[str, Any]:
    """The engine's `preauthorizations` entry (ENGINE.md). Dates are the
    insurer's answer when given, else the requested ones (the engine requires
    dates even on a pending or denied request); ids are "pa-<pk>", and the
    source's id is the one funding_source_engine_input gives it."""
    data: dict[str, Any] = {
        "id": engine_ids.preauthorization_id(preauth.pk),
        "source": preauth.source.engine_id,
        "reference": preauth.reference or None,
        "status": preauth.status,
        "valid_from": preauth.effective_from.isoformat(),
        "valid_to": preauth.effective_to.isoformat(),
    }
    if preauth.approved_sessions is not None or preauth.status == PreauthStatus.APPROVED:
        data["approved_sessions"] = preauth.approved_sessions
    return data


def preauth_engine_inputs(client: Client) -> list[dict[str, Any]]:
    """Every pre-authorization of the client, for its engine case. Only those of
    insurance sources: the engine refuses any other."""
    return [
        preauth_engine_input(preauth)
        for preauth in preauths_of_client(client).filter(source__kind="insurance")
    ]


# --- the request letter ---------------------------------------------------------------


def preauth_request_pdf(*, by: Actor | None, preauth: Preauthorization) -> tuple[bytes, str]:
    """The request letter to the insurer, with the signed letter of medical
    necessity attached as pages when there is one. The download is audited
    (the signed letter's own read is, too)."""
    from fitclaim.documents.lmn import scan_as_pdf
    from fitclaim.documents.pdf import Letterhead
    from fitclaim.documents.preauth_request import (
        PreauthRequestDocument,
        render_preauth_request,
        service_rows,
    )
    from fitclaim.domain.codes import icd10_description
    from fitclaim.files.services import file_read

    client = preauth.client
    org = preauth.organization
    source = preauth.source
    lmn = preauth.lmn
    provider = lmn.provider if lmn is not None else None
    attachments: list[bytes] = []
    if lmn is not None and lmn.signed_pdf_id is not None:
        attachments.append(file_read(by=by, stored=lmn.signed_pdf))
    elif lmn is not None and lmn.signed_scan_id is not None:
        scan = lmn.signed_scan
        attachments.append(scan_as_pdf(file_read(by=by, stored=scan), scan.content_type))
    diagnoses = list(lmn.diagnoses) if lmn is not None else list(client.conditions)
    document = PreauthRequestDocument(
        letterhead=Letterhead(
            name=org.name,
            address=org.address,
            phone=org.phone,
            tax_id=org.tax_id,
            npi=org.group_npi,
        ),
        reference=f"PA-{preauth.pk:05d}",
        date=preauth.requested_on,
        insurer_name=source.payer_name or source.name,
        insurer_address=source.claim_address,
        plan_name=source.name,
        member_name=client.name,
        member_birth_date=client.birth_date,
        member_id=source.member_id,
        member_address=client.address,
        diagnoses=tuple((code, icd10_description(code) or "") for code in diagnoses),
        services=service_rows(list(preauth.service_codes)),
        requested_sessions=preauth.requested_sessions,
        requested_from=preauth.requested_from,
        requested_to=preauth.requested_to,
        exercise_kind=lmn.exercise_kind if lmn is not None else "",
        sessions_per_week=lmn.sessions_per_week if lmn is not None else None,
        minutes_per_session=lmn.minutes_per_session if lmn is not None else None,
        trainers=tuple(t.name for t in (lmn.authorized_trainers.order_by("name") if lmn else []))
        or tuple(t.name for t in client.trainers.order_by("name")),
        provider_name=str(provider) if provider else "",
        provider_npi=provider.npi if provider else "",
        lmn_reference=f"{lmn.reference} version {lmn.version}" if lmn is not None else "",
        lmn_signed_on=lmn.signed_on if lmn is not None else None,
        lmn_valid_from=lmn.valid_from if lmn is not None else None,
        lmn_valid_to=lmn.valid_to if lmn is not None else None,
        lmn_attached=bool(attachments),
        notes=preauth.notes,
    )
    audit_record(
        actor=by,
        organization=org,
        action="download",
        entity="preauthorization",
        entity_id=preauth.pk,
        client_id=client.pk,
        summary=f"downloaded the pre-authorization request {document.reference}",
    )
    return render_preauth_request(document, attachments=attachments), (
        f"{document.reference}-request.pdf"
    )
