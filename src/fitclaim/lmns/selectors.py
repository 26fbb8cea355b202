"""Reading letters of medical necessity: scoping, access, the printed letter,
completeness, attendance, what needs attention, and the bridge to the engine."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record
from fitclaim.clients.access import as_actor, as_pk, may_edit_visible_clients
from fitclaim.clients.models import Client
from fitclaim.coverage import engine_ids
from fitclaim.documents.lmn import LetterDocument, Signature, render_letter
from fitclaim.documents.pdf import Letterhead
from fitclaim.domain.letters import (
    REMINDER_DAYS,
    Attendance,
    Completeness,
    Finding,
    LetterContent,
    attendance,
    engine_valid_to,
    letter_completeness,
)
from fitclaim.lmns.models import Lmn, LmnSignatureRequest, LmnStatus, SignatureMethod

SIGNED_STATUSES = (LmnStatus.SIGNED, LmnStatus.EXPIRED, LmnStatus.SUPERSEDED, LmnStatus.REVOKED)


def lmns_visible_to(actor_or_user: Any) -> QuerySet[Lmn]:
    """The letters of the clients the actor may see."""
    from fitclaim.clients.selectors import clients_visible_to

    actor = as_actor(actor_or_user)
    return Lmn.objects.filter(
        organization_id=actor.membership.organization_id,
        client__in=clients_visible_to(actor),
    )


def access_lmn(actor_or_user: Any, lmn_id: Any, *, write: bool = False) -> Lmn:
    """The letter, if the actor may see its client (and change it, with
    write=True: admins, billing and the client's trainers); else 404."""
    actor = as_actor(actor_or_user)
    lmn = (
        lmns_visible_to(actor)
        .select_related("client", "provider", "organization", "supersedes")
        .filter(pk=as_pk(lmn_id))
        .first()
    )
    if lmn is None or (write and not may_edit_visible_clients(actor)):
        raise Http404("not found")
    return lmn


def lmns_of_client(client: Client) -> QuerySet[Lmn]:
    """A client's letters, newest version first, with what the lists show."""
    from fitclaim.facilities.models import Facility
    from fitclaim.trainers.models import Trainer

    return (
        Lmn.objects.filter(client=client)
        .select_related("provider", "supersedes")
        .prefetch_related(
            Prefetch("authorized_trainers", queryset=Trainer.objects.order_by("name", "pk")),
            Prefetch("authorized_facilities", queryset=Facility.objects.order_by("name", "pk")),
        )
        .order_by("-valid_from", "-version", "-pk")
    )


def lmn_list(*, actor: Actor, client_id: Any = None, status: str = "") -> QuerySet[Lmn]:
    """The letters the actor may see, optionally of one client and one status."""
    letters = lmns_visible_to(actor).select_related("client", "provider")
    if client_id is not None:
        letters = letters.filter(client_id=as_pk(client_id))
    if status:
        letters = letters.filter(status=status)
    return letters.order_by("client__last_name", "client__first_name", "-version", "-pk")


def lmn_get_for_view(*, by: Actor, lmn_id: Any) -> Lmn:
    """A letter for display; the view is in the audit trail (it is health information)."""
    lmn = access_lmn(by, lmn_id)
    audit_record(
        actor=by,
        action="view",
        entity="lmn",
        entity_id=lmn.pk,
        client_id=lmn.client_id,
        summary=f"viewed letter {lmn.reference} of {lmn.client.name}",
    )
    return lmn


# --- the letter as printed ----------------------------------------------------


def _diagnoses(codes: list[str]) -> tuple[tuple[str, str], ...]:
    from fitclaim.domain.codes import icd10_description

    return tuple((code, icd10_description(code) or "") for code in codes)


def lmn_content(lmn: Lmn) -> LetterContent:
    """What the completeness check reads from a letter."""
    provider = lmn.provider
    client = lmn.client
    return LetterContent(
        patient_name=client.name,
        patient_birth_date=client.birth_date,
        diagnoses=_diagnoses(list(lmn.diagnoses)),
        necessity_statement=lmn.necessity_statement,
        exercise_kind=lmn.exercise_kind,
        sessions_per_week=lmn.sessions_per_week,
        minutes_per_session=lmn.minutes_per_session,
        intensity=lmn.intensity,
        precautions=lmn.precautions,
        goals=lmn.goals,
        valid_from=lmn.valid_from,
        valid_to=lmn.valid_to,
        provider_name=provider.name if provider else "",
        provider_kind=provider.kind if provider else "",
        provider_credentials=provider.credentials if provider else "",
        provider_npi=provider.npi if provider else "",
        signed_on=lmn.signed_on,
    )


def lmn_signature(lmn: Lmn) -> Signature | None:
    if lmn.signed_on is None or not lmn.signature_method:
        return None
    signed_at = lmn.signed_at or timezone.make_aware(
        dt.datetime.combine(lmn.signed_on, dt.time(12, 0))
    )
    return Signature(
        method=lmn.signature_method,
        signer_name=lmn.signer_name,
        signed_at=timezone.localtime(signed_at),
        audit_reference=lmn.signature_audit_reference,
        ip=lmn.signer_ip or "",
        document_sha256=lmn.document_sha256,
    )


def lmn_document(lmn: Lmn, *, signed: bool = True) -> LetterDocument:
    """The letter as it prints: with its signature when `signed` and it has one,
    else as the provider reviews it before signing."""
    org = lmn.organization
    client = lmn.client
    provider = lmn.provider
    member_ids = "; ".join(
        f"{source.name}: {source.member_id}"
        for source in client.funding_sources.order_by("kind", "order", "pk")
        if source.member_id
    )
    contact = []
    if provider is not None:
        contact = [part for part in (provider.phone, provider.email) if part]
    notes: tuple[str, ...] = ()
    if lmn.supersedes_id is not None:
        old = lmn.supersedes
        notes = (
            f"This letter renews {old.reference} version {old.version}"
            + (f", valid through {old.valid_to.isoformat()}." if old.valid_to else "."),
        )
    return LetterDocument(
        letterhead=Letterhead(
            name=org.name,
            address=org.address,
            phone=org.phone,
            tax_id=org.tax_id,
            npi=org.group_npi,
        ),
        reference=lmn.reference,
        version=lmn.version,
        patient_name=client.name,
        patient_birth_date=client.birth_date,
        member_ids=member_ids,
        diagnoses=_diagnoses(list(lmn.diagnoses)),
        necessity_statement=lmn.necessity_statement,
        exercise_kind=lmn.exercise_kind,
        sessions_per_week=lmn.sessions_per_week,
        minutes_per_session=lmn.minutes_per_session,
        intensity=lmn.intensity,
        precautions=lmn.precautions,
        goals=lmn.goals,
        valid_from=lmn.valid_from,
        valid_to=lmn.valid_to,
        sessions_authorized=lmn.sessions_authorized,
        authorized_trainers=tuple(t.name for t in lmn.authorized_trainers.order_by("name", "pk")),
        authorized_facilities=tuple(
            f.name for f in lmn.authorized_facilities.order_by("name", "pk")
        ),
        reexamination_date=lmn.reexamination_date,
        provider_name=provider.name if provider else "",
        provider_kind=provider.kind if provider else "",
        provider_credentials=provider.credentials if provider else "",
        provider_npi=provider.npi if provider else "",
        provider_license=(
            f"{provider.license_state} state license"
            if provider is not None and provider.license_state
            else ""
        ),
        provider_contact=" · ".join(contact),
        signature=lmn_signature(lmn) if signed else None,
        notes=notes,
        progress_summary=lmn.progress_summary,
    )


def lmn_unsigned_pdf(lmn: Lmn) -> bytes:
    """The letter as the provider reviews and signs it."""
    return render_letter(lmn_document(lmn, signed=False))


def lmn_unsigned_sha256(lmn: Lmn) -> str:
    return hashlib.sha256(lmn_unsigned_pdf(lmn)).hexdigest()


# --- completeness -------------------------------------------------------------


def lmn_completeness(lmn: Lmn, *, today: dt.date) -> Completeness:
    """What is missing before the letter can be sent, field by field, and the
    warnings: back-dating, and funding sources that would not accept it."""
    from fitclaim.funding.models import FundingSource
    from fitclaim.providers.models import ProviderKind

    result = letter_completeness(lmn_content(lmn), sign_date=lmn.signed_on or today)
    warnings = list(result.warnings)
    provider = lmn.provider
    sources = FundingSource.objects.filter(client_id=lmn.client_id, requires_lmn=True)
    for source in sources.order_by("kind", "order", "pk"):
        accepted = list(source.accepted_issuers or [])
        if provider is not None and accepted and provider.kind not in accepted:
            kinds = ", ".join(ProviderKind(kind).label.lower() for kind in accepted)
            warnings.append(
                Finding(
                    "provider",
                    f"{source.name} accepts letters only from: {kinds}; "
                    f"{provider.name} is a {provider.get_kind_display().lower()}.",
                )
            )
        if not source.accepts_esignature:
            warnings.append(
                Finding(
                    "signature",
                    f"{source.name} does not accept e-signed letters: upload a wet-signed scan.",
                )
            )
    return Completeness(missing=result.missing, warnings=warnings)


# --- sessions (from fitclaim.training, when it exists) ---------------------------


def training_session_model() -> Any | None:
    """The training app's session model, or None while it does not exist yet."""
    try:
        return apps.get_model("training", "TrainingSession")
    except LookupError:
        return None


def lmn_attendance(lmn: Lmn, *, today: dt.date) -> Attendance | None:
    """Sessions attended under the letter (from its first day to its last, or
    today if sooner) against its prescribed frequency; None when session
    records are not available."""
    model = training_session_model()
    if model is None or lmn.valid_from is None or lmn.valid_to is None:
        return None
    end = min(lmn.valid_to, today)
    attended = model.objects.filter(
        client_id=lmn.client_id, date__gte=lmn.valid_from, date__lte=end, status="attended"
    ).count()
    return attendance(
        attended=attended,
        sessions_per_week=lmn.sessions_per_week,
        start=lmn.valid_from,
        end=max(end, lmn.valid_from),
    )


def progress_summary_text(lmn: Lmn, *, today: dt.date) -> str:
    """The progress summary a renewal carries for the provider."""
    summary = lmn_attendance(lmn, today=today)
    if summary is None:
        return (
            f"Under {lmn.reference} version {lmn.version}: session records are not "
            "available, so attendance is not summarized."
        )
    return f"Under {lmn.reference} version {lmn.version}: {summary.describe()}"


# --- signing links ---------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_signature_request(lmn: Lmn) -> LmnSignatureRequest | None:
    """The letter's signing link that can still be used, if any."""
    now = timezone.now()
    return (
        lmn.signature_requests.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        )
        .order_by("-created_at", "-pk")
        .first()
    )


# --- what needs attention --------------------------------------------------------

EXPIRY_WARNING_DAYS = max(REMINDER_DAYS)


@dataclass(frozen=True)
class AttentionItem:
    """One thing about one client's authorizations that someone should act on."""

    client: Client
    kind: str  # a stable code: lmn_expiring, lmn_expired, ...
    message: str
    url: str
    due: dt.date | None
    severity: str = "warn"  # warn or danger, the badge it shows with


def letters_needing_attention(*, actor: Actor, today: dt.date) -> list[AttentionItem]:
    """The visible clients' letters that need someone: expiring within 60 days
    or expired without a renewal, a re-examination due, a link that lapsed
    unsigned, a letter the provider declined. Soonest first."""
    from django.urls import reverse

    items: list[AttentionItem] = []
    letters = (
        lmns_visible_to(actor)
        .filter(
            status__in=[
                LmnStatus.SIGNED,
                LmnStatus.EXPIRED,
                LmnStatus.AWAITING_SIGNATURE,
                LmnStatus.DRAFT,
            ]
        )
        .select_related("client", "provider", "renewal")
        .order_by("valid_to", "pk")
    )
    renewed = set(
        lmns_visible_to(actor)
        .filter(supersedes__isnull=False)
        .values_list("supersedes_id", flat=True)
    )
    open_links = set(
        LmnSignatureRequest.objects.filter(
            organization_id=actor.membership.organization_id,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("lmn_id", flat=True)
    )
    for lmn in letters:
        url = reverse("lmns:detail", args=[lmn.pk])
        name = lmn.client.name
        if lmn.status == LmnStatus.DRAFT:
            if lmn.is_declined:
                items.append(
                    AttentionItem(
                        lmn.client,
                        "lmn_declined",
                        f"{name}: {lmn.reference} was declined by the provider.",
                        url,
                        lmn.declined_at.date() if lmn.declined_at else None,
                        "danger",
                    )
                )
            continue
        if lmn.status == LmnStatus.AWAITING_SIGNATURE:
            if lmn.pk not in open_links:
                items.append(
                    AttentionItem(
                        lmn.client,
                        "lmn_link_lapsed",
                        f"{name}: the signing link for {lmn.reference} expired unsigned.",
                        url,
                        None,
                    )
                )
            continue
        if lmn.valid_to is None or lmn.pk in renewed:
            continue
        days_left = (lmn.valid_to - today).days
        if lmn.status == LmnStatus.EXPIRED or days_left < 0:
            if days_left >= -90:  # older lapses are history, not a to-do
                items.append(
                    AttentionItem(
                        lmn.client,
                        "lmn_expired",
                        f"{name}: {lmn.reference} expired on {lmn.valid_to.isoformat()}.",
                        url,
                        lmn.valid_to,
                        "danger",
                    )
                )
            continue
        if days_left <= EXPIRY_WARNING_DAYS:
            items.append(
                AttentionItem(
                    lmn.client,
                    "lmn_expiring",
                    f"{name}: {lmn.reference} expires in {days_left} days "
                    f"({lmn.valid_to.isoformat()}).",
                    url,
                    lmn.valid_to,
                )
            )
        if lmn.reexamination_date and lmn.reexamination_date <= today:
            items.append(
                AttentionItem(
                    lmn.client,
                    "lmn_reexamination",
                    f"{name}: re-examination was due on {lmn.reexamination_date.isoformat()}.",
                    url,
                    lmn.reexamination_date,
                )
            )
    items.sort(key=lambda item: (item.due or dt.date.max, item.client.name))
    return items


# --- the bridge to the engine ----------------------------------------------------


def trainer_engine_id(trainer_id: int) -> str:
    # The id trainers.selectors.trainer_engine_input gives a trainer.
    return engine_ids.trainer_id(trainer_id)


def facility_engine_id(facility_id: int) -> str:
    """A facility as the engine names it (facilities are plain strings there):
    sessions and letters must use the same one."""
    return engine_ids.facility_id(facility_id)


def lmn_engine_input(lmn: Lmn) -> dict[str, Any] | None:
    """The letter as the engine's `lmns` entry (ENGINE.md), or None when it has
    no place in a case: a draft without its dates, diagnoses or provider (the
    engine requires them), or a letter revoked before its first day.

    Signed letters carry `signed_on` whatever their status now (expired and
    superseded ones still cover their dates); a revoked one ends the day before
    it was revoked. Drafts and letters awaiting signature carry no `signed_on`,
    so the client is told to get it signed rather than that there is none. The
    plan goes in as text.
    """
    if lmn.valid_from is None or lmn.valid_to is None or not lmn.diagnoses:
        return None
    if lmn.provider is None:
        return None
    valid_to = lmn.valid_to
    if lmn.status == LmnStatus.REVOKED:
        valid_to = engine_valid_to(valid_to=lmn.valid_to, revoked_on=lmn.revoked_on)
        if valid_to < lmn.valid_from:
            return None
    provider = lmn.provider
    data: dict[str, Any] = {
        "id": engine_ids.lmn_id(lmn.pk),
        "issuer": {"kind": provider.kind, "name": str(provider), "npi": provider.npi or None},
        "diagnoses": list(lmn.diagnoses),
        "plan": lmn_plan_text(lmn),
        "valid_from": lmn.valid_from.isoformat(),
        "valid_to": valid_to.isoformat(),
        "sessions_authorized": lmn.sessions_authorized,
        # .all(), not values_list: a prefetched list (lmns_of_client) costs no query.
        "authorized_trainers": sorted(
            trainer_engine_id(trainer.pk) for trainer in lmn.authorized_trainers.all()
        ),
        "authorized_facilities": sorted(
            facility_engine_id(facility.pk) for facility in lmn.authorized_facilities.all()
        ),
    }
    if lmn.status in SIGNED_STATUSES and lmn.signed_on is not None:
        data["signed_on"] = lmn.signed_on.isoformat()
    return data


def lmn_engine_inputs(client: Client) -> list[dict[str, Any]]:
    """Every letter of the client that belongs in its engine case."""
    inputs = (lmn_engine_input(lmn) for lmn in lmns_of_client(client).select_related("provider"))
    return [data for data in inputs if data is not None]


def lmn_plan_text(lmn: Lmn) -> str:
    parts = [lmn.exercise_kind.strip()]
    if lmn.sessions_per_week:
        parts.append(f"{lmn.sessions_per_week}x/week")
    if lmn.minutes_per_session:
        parts.append(f"{lmn.minutes_per_session} min")
    if lmn.intensity.strip():
        parts.append(lmn.intensity.strip())
    return ", ".join(part for part in parts if part)


def lmn_signature_summary(lmn: Lmn) -> str:
    if lmn.signature_method == SignatureMethod.ELECTRONIC:
        return f"E-signed by {lmn.signer_name} on {lmn.signed_on}"
    if lmn.signature_method == SignatureMethod.SCAN:
        return f"Wet-signed by {lmn.signer_name} on {lmn.signed_on} (scan on file)"
    return ""


def lmn_pdf(*, by: Actor | None, lmn: Lmn) -> tuple[bytes, str]:
    """The letter's PDF and a file name; the caller has checked access. A signed
    letter is its stored signed PDF (or its scan, as PDF pages), exactly as
    stored; an unsigned one is rendered as the provider would review it.
    Every download is in the audit trail."""
    from fitclaim.documents.lmn import scan_as_pdf
    from fitclaim.files.services import file_read

    name = f"{lmn.reference}-v{lmn.version}"
    if lmn.signed_pdf_id is not None:
        return file_read(by=by, stored=lmn.signed_pdf), f"{name}-signed.pdf"
    if lmn.signed_scan_id is not None:
        stored = lmn.signed_scan
        content = file_read(by=by, stored=stored)
        return scan_as_pdf(content, stored.content_type), f"{name}-signed-scan.pdf"
    content = lmn_unsigned_pdf(lmn)
    audit_record(
        actor=by,
        organization=lmn.organization,
        action="download",
        entity="lmn",
        entity_id=lmn.pk,
        client_id=lmn.client_id,
        summary=f"downloaded the unsigned letter {lmn.reference}",
    )
    return content, f"{name}-unsigned.pdf"
