"""Changing letters of medical necessity: drafting, sending for signature,
signing (by link or scan), declining, revoking, renewing, expiring, and the
reminder emails.

Every function is one transaction and leaves an audit event. The lifecycle
rules (which status may follow which, what makes a letter complete) are the
pure ones of fitclaim.domain.letters; these functions load, check, write.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record, changed_fields, model_snapshot
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.models import Client
from fitclaim.clients.problems import Problems
from fitclaim.documents.lmn import render_letter
from fitclaim.domain.letters import (
    IllegalTransition,
    LetterStatus,
    check_transition,
    default_valid_to,
    reminders_due,
)
from fitclaim.files.models import FilePurpose
from fitclaim.files.services import file_store
from fitclaim.lmns.models import (
    Lmn,
    LmnSignatureRequest,
    LmnStatus,
    ReminderSent,
    SignatureMethod,
)
from fitclaim.lmns.selectors import (
    lmn_completeness,
    lmn_document,
    lmn_unsigned_sha256,
    progress_summary_text,
    token_hash,
)

SIGNING_LINK_DAYS = 14
SIGNING_SALT = "fitclaim.lmns.signature-request"

# The fields a person edits on a draft, in form order.
LMN_FIELDS = (
    "provider_id",
    "diagnoses",
    "necessity_statement",
    "exercise_kind",
    "sessions_per_week",
    "minutes_per_session",
    "intensity",
    "precautions",
    "goals",
    "valid_from",
    "valid_to",
    "sessions_authorized",
    "reexamination_date",
    "trainer_ids",
    "facility_ids",
)
TEXT_FIELDS = ("necessity_statement", "exercise_kind", "intensity", "precautions", "goals")
_NOT_AUDITED = ("id", "organization_id", "created_at", "updated_at")


def signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SIGNING_SALT)


def _refuse(message: str, field: str = "status") -> ValidationError:
    return ValidationError({field: message})


def _transition(lmn: Lmn, target: LetterStatus) -> None:
    try:
        check_transition(lmn.letter_status, target)
    except IllegalTransition as exc:
        raise _refuse(str(exc)) from None


def _snapshot(lmn: Lmn) -> dict[str, Any]:
    snapshot = model_snapshot(lmn)
    for key in _NOT_AUDITED:
        snapshot.pop(key, None)
    snapshot["trainer_ids"] = sorted(lmn.authorized_trainers.values_list("pk", flat=True))
    snapshot["facility_ids"] = sorted(lmn.authorized_facilities.values_list("pk", flat=True))
    return snapshot


def _lock(lmn: Lmn) -> Lmn:
    """The letter's row, locked for the rest of the transaction and re-read, so
    two people acting on it at once act one after the other on fresh data."""
    return (
        Lmn.objects.select_for_update(of=("self",))
        .select_related("client", "provider", "organization", "supersedes")
        .get(pk=lmn.pk)
    )


def _check_may_edit(by: Actor, lmn: Lmn) -> None:
    if not may_edit_visible_clients(by) or lmn.organization_id != by.membership.organization_id:
        raise Http404("not found")


def _normalize_codes(value: Any) -> list[str]:
    from fitclaim.clients.services import normalize_codes

    return normalize_codes(value)


@dataclass
class _Draft:
    values: dict[str, Any] = field(default_factory=dict)
    trainers: list[Any] | None = None
    facilities: list[Any] | None = None


def _clean(by: Actor, client: Client, data: Mapping[str, Any], problems: Problems) -> _Draft:
    """Parse and check what was typed into a draft's fields; problems by field."""
    from fitclaim.clients.services import condition_problems
    from fitclaim.facilities.models import Facility
    from fitclaim.providers.models import Provider
    from fitclaim.trainers.models import Trainer

    org_id = by.membership.organization_id
    draft = _Draft()
    unknown = sorted(set(data) - set(LMN_FIELDS))
    for name in unknown:
        problems.add(name, "unknown field")
    for name in TEXT_FIELDS:
        if name in data:
            draft.values[name] = (data[name] or "").strip()
    if "provider_id" in data:
        provider_id = data["provider_id"]
        provider_id = getattr(provider_id, "pk", provider_id)
        if provider_id in (None, ""):
            draft.values["provider"] = None
        else:
            provider = Provider.objects.filter(organization_id=org_id, pk=provider_id).first()
            if provider is None:
                problems.add("provider_id", "no such provider in this organization")
            draft.values["provider"] = provider
    if "diagnoses" in data:
        codes = _normalize_codes(data["diagnoses"])
        for message in condition_problems(codes):
            problems.add("diagnoses", message)
        draft.values["diagnoses"] = codes
    for name in ("sessions_per_week", "minutes_per_session", "sessions_authorized"):
        if name in data:
            value = data[name]
            if value in (None, ""):
                draft.values[name] = None
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                problems.add(name, "a whole number is required")
                continue
            if number < 1:
                problems.add(name, "must be at least 1")
            elif name == "sessions_per_week" and number > 14:
                problems.add(name, "at most 14 sessions a week")
            elif name == "minutes_per_session" and number > 480:
                problems.add(name, "at most 480 minutes a session")
            draft.values[name] = number
    for name in ("valid_from", "valid_to", "reexamination_date"):
        if name in data:
            value = data[name]
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value) if value else None
                except ValueError:
                    problems.add(name, "not a date (YYYY-MM-DD)")
                    continue
            draft.values[name] = value
    if "trainer_ids" in data:
        wanted = _ids(data["trainer_ids"], "trainer_ids", problems)
        trainers = list(Trainer.objects.filter(organization_id=org_id, pk__in=wanted))
        missing = sorted(set(wanted) - {t.pk for t in trainers})
        if missing:
            problems.add("trainer_ids", f"no such trainer in this organization: {_join(missing)}")
        draft.trainers = trainers
    if "facility_ids" in data:
        wanted = _ids(data["facility_ids"], "facility_ids", problems)
        facilities = list(Facility.objects.filter(organization_id=org_id, pk__in=wanted))
        missing = sorted(set(wanted) - {f.pk for f in facilities})
        if missing:
            problems.add("facility_ids", f"no such facility in this organization: {_join(missing)}")
        draft.facilities = facilities
    return draft


def _ids(values: Iterable[Any] | None, name: str, problems: Problems) -> list[int]:
    ids = []
    for raw in values or ():
        try:
            ids.append(int(getattr(raw, "pk", raw)))
        except (TypeError, ValueError):
            problems.add(name, f"not an id: {raw}")
    return ids


def _join(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


def _check_dates(lmn: Lmn, problems: Problems) -> None:
    if lmn.valid_from and lmn.valid_to and lmn.valid_to < lmn.valid_from:
        problems.add("valid_to", "The letter ends before it starts.")


def _add_to_conditions(by: Actor, client: Client, codes: list[str]) -> None:
    """A diagnosis on a letter is one of the client's conditions: add the new ones."""
    new = [code for code in codes if code not in client.conditions]
    if not new:
        return
    before = list(client.conditions)
    client.conditions = [*client.conditions, *new]
    client.save(update_fields=["conditions", "updated_at"])
    audit_record(
        actor=by,
        action="update",
        entity="client",
        entity_id=client.pk,
        client_id=client.pk,
        changes={"conditions": [before, list(client.conditions)]},
        summary=f"added {', '.join(new)} to {client.name}'s conditions (from a letter)",
    )


def _apply(lmn: Lmn, draft: _Draft) -> None:
    for name, value in draft.values.items():
        setattr(lmn, name, value)


def _save_links(lmn: Lmn, draft: _Draft) -> None:
    through = {"organization_id": lmn.organization_id}
    if draft.trainers is not None:
        lmn.authorized_trainers.set(draft.trainers, through_defaults=through)
    if draft.facilities is not None:
        lmn.authorized_facilities.set(draft.facilities, through_defaults=through)


@transaction.atomic
def lmn_create(*, by: Actor, client: Client, data: Mapping[str, Any]) -> Lmn:
    """Start a draft letter for a client. Unset, the diagnoses are the client's
    conditions, validity starts today and lasts twelve months."""
    if not may_edit_visible_clients(by) or client.organization_id != by.membership.organization_id:
        raise Http404("not found")
    problems = Problems()
    draft = _clean(by, client, data, problems)
    lmn = Lmn(
        organization_id=client.organization_id,
        client=client,
        created_by=by.user,
        status=LmnStatus.DRAFT,
        diagnoses=list(client.conditions),
    )
    _apply(lmn, draft)
    if lmn.valid_from is None:
        lmn.valid_from = timezone.localdate()
    if lmn.valid_to is None:
        lmn.valid_to = default_valid_to(lmn.valid_from)
    _check_dates(lmn, problems)
    problems.raise_if_any()
    lmn.save()
    _save_links(lmn, draft)
    _add_to_conditions(by, client, list(lmn.diagnoses))
    audit_record(
        actor=by,
        action="create",
        entity="lmn",
        entity_id=lmn.pk,
        client_id=client.pk,
        changes={name: [None, value] for name, value in _snapshot(lmn).items()},
        summary=f"drafted letter {lmn.reference} for {client.name}",
    )
    return lmn


@transaction.atomic
def lmn_update(*, by: Actor, lmn: Lmn, data: Mapping[str, Any]) -> Lmn:
    """Change a draft. A letter sent for signature or signed cannot change:
    cancel the signing request, or renew the letter."""
    _check_may_edit(by, lmn)
    lmn = _lock(lmn)
    if lmn.status != LmnStatus.DRAFT:
        if lmn.status == LmnStatus.AWAITING_SIGNATURE:
            raise _refuse(
                "This letter is awaiting the provider's signature: cancel the request to edit it."
            )
        _transition(lmn, LetterStatus.DRAFT)  # raises with the reason (renew it)
    before = _snapshot(lmn)
    problems = Problems()
    draft = _clean(by, lmn.client, data, problems)
    _apply(lmn, draft)
    _check_dates(lmn, problems)
    problems.raise_if_any()
    lmn.save()
    _save_links(lmn, draft)
    _add_to_conditions(by, lmn.client, list(lmn.diagnoses))
    changes = changed_fields(before, _snapshot(lmn))
    if changes:
        audit_record(
            actor=by,
            action="update",
            entity="lmn",
            entity_id=lmn.pk,
            client_id=lmn.client_id,
            changes=changes,
            summary=f"changed draft letter {lmn.reference}",
        )
    return lmn


def _missing_as_error(lmn: Lmn, today: dt.date) -> None:
    completeness = lmn_completeness(lmn, today=today)
    if not completeness.complete:
        problems = Problems()
        for finding in completeness.missing:
            problems.add(finding.field, finding.message)
        problems.raise_if_any()


def _revoke_open_links(lmn: Lmn, now: dt.datetime) -> int:
    return lmn.signature_requests.filter(used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def lmn_send_for_signature(
    *, by: Actor, lmn: Lmn, provider_email: str = ""
) -> tuple[LmnSignatureRequest, str]:
    """Email the provider a single-use link to review and sign (or decline) a
    complete draft; the letter awaits their signature. Any earlier link of the
    letter stops working. Returns the request and the link's token."""
    _check_may_edit(by, lmn)
    lmn = _lock(lmn)
    today = timezone.localdate()
    _transition(lmn, LetterStatus.AWAITING_SIGNATURE)
    _missing_as_error(lmn, today)
    email = (provider_email or (lmn.provider.email if lmn.provider else "") or "").strip()
    if not email:
        raise _refuse(
            "The provider has no email address: type one, or upload a wet-signed scan.",
            "provider_email",
        )
    try:
        validate_email(email)
    except ValidationError:
        raise _refuse("Enter a valid email address.", "provider_email") from None
    now = timezone.now()
    _revoke_open_links(lmn, now)
    token = signer().sign(secrets.token_urlsafe(24))
    request = LmnSignatureRequest.objects.create(
        organization_id=lmn.organization_id,
        lmn=lmn,
        provider_email=email,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=SIGNING_LINK_DAYS),
        sent_by=by.user,
    )
    lmn.status = LmnStatus.AWAITING_SIGNATURE
    # An earlier decline is answered by sending the letter again; the trail keeps it.
    lmn.decline_comment = ""
    lmn.declined_at = None
    lmn.save(update_fields=["status", "decline_comment", "declined_at", "updated_at"])
    audit_record(
        actor=by,
        action="action",
        entity="lmn",
        entity_id=lmn.pk,
        client_id=lmn.client_id,
        changes={"status": [LmnStatus.DRAFT, LmnStatus.AWAITING_SIGNATURE], "sent_to": email},
        summary=f"sent letter {lmn.reference} to {email} for signature",
    )
    link = _absolute(reverse("lmns:sign", args=[token]))
    context = {
        "lmn": lmn,
        "link": link,
        "organization": lmn.organization,
        "expires": timezone.localtime(request.expires_at),
        "sender": by.user,
    }
    # Sent inside the transaction: if the mail cannot go, nothing is recorded as sent.
    send_mail(
        subject=f"Please review and sign a letter of medical necessity ({lmn.organization.name})",
        message=render_to_string("lmns/email/signature_request.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return request, token


@transaction.atomic
def lmn_cancel_signature_request(*, by: Actor, lmn: Lmn) -> Lmn:
    """Take a letter back from the provider: its link stops working, it is a draft again."""
    _check_may_edit(by, lmn)
    lmn = _lock(lmn)
    if lmn.status != LmnStatus.AWAITING_SIGNATURE:
        raise _refuse("This letter is not awaiting a signature.")
    _transition(lmn, LetterStatus.DRAFT)
    revoked = _revoke_open_links(lmn, timezone.now())
    lmn.status = LmnStatus.DRAFT
    lmn.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        action="action",
        entity="lmn",
        entity_id=lmn.pk,
        client_id=lmn.client_id,
        changes={"status": [LmnStatus.AWAITING_SIGNATURE, LmnStatus.DRAFT]},
        summary=f"cancelled the signature request of {lmn.reference} ({revoked} link revoked)",
    )
    return lmn


# --- the provider's link -----------------------------------------------------------


class LinkState:
    OPEN = "open"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    INVALID = "invalid"  # tampered, or not a link we issued
    CLOSED = "closed"  # the letter is no longer awaiting this signature


@dataclass(frozen=True)
class SigningLink:
    state: str
    request: LmnSignatureRequest | None = None

    @property
    def lmn(self) -> Lmn | None:
        return self.request.lmn if self.request else None

    @property
    def is_open(self) -> bool:
        return self.state == LinkState.OPEN


def signing_link_check(token: str, *, lock: bool = False) -> SigningLink:
    """What a signing link is worth now. Its signature and age are checked
    first (a tampered or older than 14 days link is refused without a lookup
    by its content), then its row: used, revoked or expired."""
    try:
        signer().unsign(token, max_age=dt.timedelta(days=SIGNING_LINK_DAYS))
        signature_state = LinkState.OPEN
    except signing.SignatureExpired:
        signature_state = LinkState.EXPIRED
    except signing.BadSignature:
        return SigningLink(LinkState.INVALID)
    requests = LmnSignatureRequest.objects.select_related(
        "lmn", "lmn__client", "lmn__provider", "lmn__organization", "organization"
    )
    if lock:
        requests = requests.select_for_update(of=("self",))
    request = requests.filter(token_hash=token_hash(token)).first()
    if request is None:
        return SigningLink(LinkState.INVALID)
    state = request.state(timezone.now())
    if state == LinkState.OPEN and signature_state != LinkState.OPEN:
        state = signature_state
    if state == LinkState.OPEN and request.lmn.status != LmnStatus.AWAITING_SIGNATURE:
        state = LinkState.CLOSED
    return SigningLink(state, request)


def _audit_link(
    link: SigningLink, *, action: str, summary: str, ip: str | None, changes: Any = None
) -> Any:
    request = link.request
    lmn = request.lmn if request else None
    return audit_record(
        actor=None,
        organization=request.organization if request else None,
        action=action,
        entity="lmn" if lmn else "lmn_signature_request",
        entity_id=lmn.pk if lmn else "",
        client_id=lmn.client_id if lmn else None,
        changes=changes or {},
        summary=summary,
        ip=ip,
        actor_label=f"signing link to {request.provider_email}" if request else "signing link",
        via="link",
    )


def signing_link_open(
    *, token: str, ip: str | None, user_agent: str, what: str = "page"
) -> SigningLink:
    """Open a signing link (the provider's page, or the PDF it shows): an open
    link's view of the letter, and every refused link, go in the audit trail."""
    link = signing_link_check(token)
    if link.is_open:
        _audit_link(
            link,
            action="view" if what == "page" else "download",
            summary=f"provider opened the signing {what} of {link.request.lmn.reference}",
            ip=ip,
            changes={"user_agent": user_agent[:300]},
        )
    else:
        signing_link_refused(link, ip=ip, user_agent=user_agent, attempted=what)
    return link


def signing_link_refused(
    link: SigningLink, *, ip: str | None, user_agent: str, attempted: str
) -> None:
    summary = f"refused a {link.state} signing link ({attempted})"
    if link.request is not None:
        summary += f" for {link.request.lmn.reference}"
    _audit_link(
        link, action="action", summary=summary, ip=ip, changes={"user_agent": user_agent[:300]}
    )


class LinkRefused(Exception):
    """The link cannot be used (its state says why); nothing was changed."""

    def __init__(self, link: SigningLink) -> None:
        super().__init__(link.state)
        self.link = link


def _open_link_locked(token: str, *, ip: str | None, user_agent: str, attempted: str) -> Any:
    link = signing_link_check(token, lock=True)
    if not link.is_open:
        raise LinkRefused(link)
    # Lock the letter too: a scan uploaded or the request cancelled at the same
    # moment is decided one after the other, never both.
    lmn = _lock(link.request.lmn)
    if lmn.status != LmnStatus.AWAITING_SIGNATURE:
        raise LinkRefused(SigningLink(LinkState.CLOSED, link.request))
    return link.request, lmn


def lmn_sign(
    *,
    token: str,
    signer_name: str,
    attested: bool,
    document_sha256: str,
    ip: str | None,
    user_agent: str,
) -> Lmn:
    """The provider signs through their link: typed full name and attestation.

    The signature is bound to the exact letter they reviewed: `document_sha256`
    is the hash of the PDF shown to them, and it must still be the letter's.
    The signed PDF (with the attestation and the audit reference of this
    signing) is stored encrypted with its own hash. A link that is not open
    raises LinkRefused and changes nothing; a letter is never signed twice.
    """
    problems = Problems()
    signer_name = " ".join((signer_name or "").split())
    if not signer_name:
        problems.add("signer_name", "Type your full name to sign.")
    if not attested:
        problems.add("attested", "Check the box to attest to the statement.")
    try:
        with transaction.atomic():
            request, lmn = _open_link_locked(token, ip=ip, user_agent=user_agent, attempted="sign")
            current = lmn_unsigned_sha256(lmn)
            if document_sha256 != current:
                problems.add(
                    "document_sha256",
                    "The letter is not the one you reviewed: reload the page and review it again.",
                )
            problems.raise_if_any()
            return _sign_electronically(
                lmn=lmn,
                request=request,
                signer_name=signer_name,
                document_sha256=current,
                ip=ip,
                user_agent=user_agent,
            )
    except LinkRefused as refused:
        signing_link_refused(refused.link, ip=ip, user_agent=user_agent, attempted="sign")
        raise


def _sign_electronically(
    *,
    lmn: Lmn,
    request: LmnSignatureRequest | None,
    signer_name: str,
    document_sha256: str,
    ip: str | None,
    user_agent: str,
    signed_at: dt.datetime | None = None,
    by: Actor | None = None,
) -> Lmn:
    """Record an electronic signature on a locked letter awaiting it (the demo
    data calls this directly, with the time it pretends the signing happened)."""
    _transition(lmn, LetterStatus.SIGNED)
    now = signed_at or timezone.now()
    event = audit_record(
        actor=by,
        organization=lmn.organization,
        action="action",
        entity="lmn",
        entity_id=lmn.pk,
        client_id=lmn.client_id,
        changes={
            "status": [lmn.status, LmnStatus.SIGNED],
            "signer_name": signer_name,
            "document_sha256": document_sha256,
            "user_agent": user_agent[:300],
        },
        summary=f"{signer_name} signed letter {lmn.reference} electronically",
        ip=ip,
        actor_label=(
            f"{signer_name} <{request.provider_email}> (signing link)" if request else signer_name
        ),
        via="link" if request else None,
    )
    lmn.status = LmnStatus.SIGNED
    lmn.signature_method = SignatureMethod.ELECTRONIC
    lmn.signer_name = signer_name
    lmn.signed_at = now
    lmn.signed_on = timezone.localdate(now)
    lmn.signer_ip = ip
    lmn.signer_user_agent = user_agent[:1000]
    lmn.document_sha256 = document_sha256
    lmn.signature_audit_reference = f"AE-{event.pk}"
    lmn.decline_comment = ""
    pdf = render_letter(lmn_document(lmn))
    lmn.signed_pdf = file_store(
        by=None,
        organization=lmn.organization,
        purpose=FilePurpose.LMN_SIGNED_PDF,
        name=f"{lmn.reference}-v{lmn.version}-signed.pdf",
        content=pdf,
        client=lmn.client,
    )
    lmn.save()
    if request is not None:
        request.used_at = now
        request.outcome = "signed"
        request.save(update_fields=["used_at", "outcome"])
    _revoke_open_links(lmn, now)
    _supersede_previous(lmn, by=by)
    return lmn


def _supersede_previous(lmn: Lmn, *, by: Actor | None) -> None:
    """A signed renewal takes over from the letter it renews."""
    old = lmn.supersedes
    if old is None or old.status not in (LmnStatus.SIGNED, LmnStatus.EXPIRED):
        return
    old = _lock(old)
    _transition(old, LetterStatus.SUPERSEDED)
    previous = old.status
    old.status = LmnStatus.SUPERSEDED
    old.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        organization=old.organization,
        action="update",
        entity="lmn",
        entity_id=old.pk,
        client_id=old.client_id,
        changes={"status": [previous, LmnStatus.SUPERSEDED]},
        summary=f"letter {old.reference} superseded by its renewal {lmn.reference} "
        f"version {lmn.version}",
    )


def lmn_decline(*, token: str, comment: str, ip: str | None, user_agent: str) -> Lmn:
    """The provider declines through their link, saying why: the letter is a
    draft again with their comment, and whoever sent it is told by email."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Say what should change, so the letter can be fixed."})
    try:
        with transaction.atomic():
            request, lmn = _open_link_locked(
                token, ip=ip, user_agent=user_agent, attempted="decline"
            )
            _transition(lmn, LetterStatus.DRAFT)
            now = timezone.now()
            lmn.status = LmnStatus.DRAFT
            lmn.decline_comment = comment[:4000]
            lmn.declined_at = now
            lmn.save(update_fields=["status", "decline_comment", "declined_at", "updated_at"])
            request.used_at = now
            request.outcome = "declined"
            request.save(update_fields=["used_at", "outcome"])
            _audit_link(
                SigningLink(LinkState.OPEN, request),
                action="action",
                summary=f"provider declined letter {lmn.reference}",
                ip=ip,
                changes={
                    "status": [LmnStatus.AWAITING_SIGNATURE, LmnStatus.DRAFT],
                    "decline_comment": comment[:4000],
                    "user_agent": user_agent[:300],
                },
            )
            if request.sent_by is not None and request.sent_by.email:
                send_mail(
                    subject=f"A provider declined letter {lmn.reference} for {lmn.client.name}",
                    message=render_to_string(
                        "lmns/email/declined.txt",
                        {
                            "lmn": lmn,
                            "request": request,
                            "comment": comment,
                            "link": _absolute(reverse("lmns:detail", args=[lmn.pk])),
                        },
                    ),
                    from_email=None,
                    recipient_list=[request.sent_by.email],
                )
            return lmn
    except LinkRefused as refused:
        signing_link_refused(refused.link, ip=ip, user_agent=user_agent, attempted="decline")
        raise


# --- wet-signed scans, revocation, renewal, expiry ---------------------------------


@transaction.atomic
def lmn_upload_signed_scan(
    *,
    by: Actor,
    lmn: Lmn,
    content: bytes,
    name: str,
    signer_name: str,
    signed_on: dt.date | None,
) -> Lmn:
    """Record a letter signed on paper: the scan (PDF, JPEG or PNG, checked by
    content, at most 10 MB, stored encrypted), who signed it and when. The
    letter must be complete; any open signing link stops working."""
    _check_may_edit(by, lmn)
    lmn = _lock(lmn)
    _transition(lmn, LetterStatus.SIGNED)
    problems = Problems()
    signer_name = " ".join((signer_name or "").split())
    if not signer_name:
        problems.add("signer_name", "Who signed the letter?")
    today = timezone.localdate()
    if signed_on is None:
        problems.add("signed_on", "When was the letter signed?")
    elif signed_on > today:
        problems.add("signed_on", "The signature date cannot be in the future.")
    completeness = lmn_completeness(lmn, today=signed_on or today)
    for finding in completeness.missing:
        problems.add(finding.field, finding.message)
    problems.raise_if_any()
    assert signed_on is not None
    return _sign_with_scan(
        lmn=lmn, content=content, name=name, signer_name=signer_name, signed_on=signed_on, by=by
    )


def _sign_with_scan(
    *,
    lmn: Lmn,
    content: bytes,
    name: str,
    signer_name: str,
    signed_on: dt.date,
    by: Actor | None,
) -> Lmn:
    """Record a wet-signed scan on a locked, complete letter (the demo data
    calls this directly)."""
    _transition(lmn, LetterStatus.SIGNED)
    stored = file_store(
        by=by,
        organization=lmn.organization,
        purpose=FilePurpose.LMN_SCAN,
        name=name or f"{lmn.reference}-signed-scan",
        content=content,
        client=lmn.client,
    )
    now = timezone.now()
    previous = lmn.status
    event = audit_record(
        actor=by,
        organization=lmn.organization,
        action="action",
        entity="lmn",
        entity_id=lmn.pk,
        client_id=lmn.client_id,
        changes={
            "status": [previous, LmnStatus.SIGNED],
            "signer_name": signer_name,
            "signed_on": signed_on,
            "scan_sha256": stored.sha256,
        },
        summary=f"recorded the wet-signed scan of {lmn.reference} (signed by {signer_name})",
    )
    lmn.status = LmnStatus.SIGNED
    lmn.signature_method = SignatureMethod.SCAN
    lmn.signer_name = signer_name
    lmn.signed_on = signed_on
    lmn.signed_at = now
    lmn.signed_scan = stored
    lmn.document_sha256 = stored.sha256
    lmn.signature_audit_reference = f"AE-{event.pk}"
    lmn.decline_comment = ""
    lmn.save()
    _revoke_open_links(lmn, now)
    _supersede_previous(lmn, by=by)
    return lmn


@transaction.atomic
def lmn_revoke(*, by: Actor, lmn: Lmn, reason: str) -> Lmn:
    """Withdraw a signed letter (the provider withdrew it, it was issued in
    error): it stops counting the day it is revoked."""
    _check_may_edit(by, lmn)
    lmn = _lock(lmn)
    _transition(lmn, LetterStatus.REVOKED)
    reason = (reason or "").strip()
    if not reason:
        raise _refuse("Say why the letter is revoked.", "reason")
    lmn.status = LmnStatus.REVOKED
    lmn.revoked_at = timezone.now()
    lmn.revoked_reason = reason
    lmn.save(update_fields=["status", "revoked_at", "revoked_reason", "updated_at"])
    audit_record(
        actor=by,
        action="action",
        entity="lmn",
        entity_id=lmn.pk,
        client_id=lmn.client_id,
        changes={"status": [LmnStatus.SIGNED, LmnStatus.REVOKED], "reason": reason},
        summary=f"revoked letter {lmn.reference}",
    )
    return lmn


@transaction.atomic
def lmn_renew(
    *, by: Actor, lmn: Lmn, valid_from: dt.date | None = None, valid_to: dt.date | None = None
) -> Lmn:
    """Copy a signed or expired letter forward into a new draft version with new
    dates (by default from the day after it ends, or today if that has passed,
    for twelve months) and a summary of the client's progress under it. The old
    letter stays in force until the renewal is signed, then is superseded."""
    _check_may_edit(by, lmn)
    lmn = _lock(lmn)
    if lmn.status not in (LmnStatus.SIGNED, LmnStatus.EXPIRED):
        raise _refuse("Only a signed or expired letter can be renewed.")
    existing = Lmn.objects.filter(supersedes=lmn).first()
    if existing is not None:
        raise _refuse(f"This letter is already renewed by {existing.reference}.")
    today = timezone.localdate()
    if valid_from is None:
        after = lmn.valid_to + dt.timedelta(days=1) if lmn.valid_to else today
        valid_from = max(after, today)
    if valid_to is None:
        valid_to = default_valid_to(valid_from)
    if valid_to < valid_from:
        raise _refuse("The letter ends before it starts.", "valid_to")
    renewal = Lmn.objects.create(
        organization_id=lmn.organization_id,
        client=lmn.client,
        provider=lmn.provider,
        status=LmnStatus.DRAFT,
        version=lmn.version + 1,
        supersedes=lmn,
        diagnoses=list(lmn.diagnoses),
        necessity_statement=lmn.necessity_statement,
        exercise_kind=lmn.exercise_kind,
        sessions_per_week=lmn.sessions_per_week,
        minutes_per_session=lmn.minutes_per_session,
        intensity=lmn.intensity,
        precautions=lmn.precautions,
        goals=lmn.goals,
        valid_from=valid_from,
        valid_to=valid_to,
        sessions_authorized=lmn.sessions_authorized,
        reexamination_date=None,
        progress_summary=progress_summary_text(lmn, today=today),
        created_by=by.user,
    )
    through = {"organization_id": lmn.organization_id}
    renewal.authorized_trainers.set(lmn.authorized_trainers.all(), through_defaults=through)
    renewal.authorized_facilities.set(lmn.authorized_facilities.all(), through_defaults=through)
    audit_record(
        actor=by,
        action="create",
        entity="lmn",
        entity_id=renewal.pk,
        client_id=lmn.client_id,
        changes={"supersedes": [None, lmn.pk], "version": [None, renewal.version]},
        summary=f"renewed {lmn.reference} as draft {renewal.reference} version {renewal.version}",
    )
    return renewal


def lmn_expire_due(
    *, today: dt.date, organization_id: int | None = None, by: Actor | None = None
) -> int:
    """Mark signed letters whose last day has passed as expired; how many."""
    letters = Lmn.objects.filter(status=LmnStatus.SIGNED, valid_to__lt=today)
    if organization_id is not None:
        letters = letters.filter(organization_id=organization_id)
    expired = 0
    for pk in letters.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            lmn = Lmn.objects.select_for_update(of=("self",)).select_related("client").get(pk=pk)
            if lmn.status != LmnStatus.SIGNED or lmn.valid_to is None or lmn.valid_to >= today:
                continue
            check_transition(lmn.letter_status, LetterStatus.EXPIRED)
            lmn.status = LmnStatus.EXPIRED
            lmn.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=by,
                organization=lmn.organization,
                action="update",
                entity="lmn",
                entity_id=lmn.pk,
                client_id=lmn.client_id,
                changes={"status": [LmnStatus.SIGNED, LmnStatus.EXPIRED]},
                summary=f"letter {lmn.reference} expired on {lmn.valid_to.isoformat()}",
            )
            expired += 1
    return expired


# --- reminders -------------------------------------------------------------------


@dataclass
class ReminderReport:
    sent: int = 0
    already_sent: int = 0
    failed: list[str] = field(default_factory=list)
    expired: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "already_sent": self.already_sent,
            "failed": list(self.failed),
            "expired": self.expired,
        }


def reminder_recipients(lmn: Lmn) -> list[str]:
    """Who hears about a letter: the client's assigned trainers and the client."""
    emails: list[str] = []
    for trainer in lmn.client.trainers.select_related("user").order_by("name", "pk"):
        emails.append(trainer.email or (trainer.user.email if trainer.user else ""))
    client = lmn.client
    portal = getattr(client, "portal_membership", None)
    emails.append(client.email or (portal.user.email if portal is not None else ""))
    unique: list[str] = []
    for email in emails:
        email = (email or "").strip().lower()
        if email and email not in unique:
            unique.append(email)
    return unique


REMINDER_SUBJECTS = {
    "expires_in_60": "expires in 60 days",
    "expires_in_30": "expires in 30 days",
    "expires_in_7": "expires in 7 days",
    "reexamination": "re-examination is due",
}


def lmn_send_reminders(*, today: dt.date, organization_id: int | None = None) -> ReminderReport:
    """Email the reminders due today (60, 30 and 7 days before a letter ends,
    and from its re-examination date) to each recipient, each at most once.

    A reminder is claimed by inserting its ReminderSent row before the mail
    goes: the unique constraint lets exactly one run claim it, however often
    or concurrently the task runs. If the mail fails the claim is dropped so a
    later run retries; a crash between the two loses a reminder rather than
    sending it twice.
    """
    report = ReminderReport()
    report.expired = lmn_expire_due(today=today, organization_id=organization_id)
    letters = Lmn.objects.filter(
        status=LmnStatus.SIGNED, valid_to__isnull=False, valid_to__gte=today
    ).select_related("client", "client__portal_membership__user", "organization", "provider")
    if organization_id is not None:
        letters = letters.filter(organization_id=organization_id)
    for lmn in letters.order_by("pk"):
        assert lmn.valid_to is not None
        kinds = reminders_due(
            valid_to=lmn.valid_to, reexamination=lmn.reexamination_date, today=today
        )
        if not kinds:
            continue
        recipients = reminder_recipients(lmn)
        for kind in kinds:
            for recipient in recipients:
                _send_one_reminder(lmn, kind, recipient, today, report)
    return report


def _send_one_reminder(
    lmn: Lmn, kind: str, recipient: str, today: dt.date, report: ReminderReport
) -> None:
    try:
        with transaction.atomic():
            claim = ReminderSent.objects.create(
                organization_id=lmn.organization_id, lmn=lmn, kind=kind, recipient=recipient
            )
    except IntegrityError:
        report.already_sent += 1
        return
    context = {
        "lmn": lmn,
        "kind": kind,
        "what": REMINDER_SUBJECTS[kind],
        "today": today,
        "days_left": (lmn.valid_to - today).days if lmn.valid_to else None,
        "link": _absolute(reverse("lmns:detail", args=[lmn.pk])),
    }
    try:
        send_mail(
            subject=f"Letter of medical necessity for {lmn.client.name} {REMINDER_SUBJECTS[kind]}",
            message=render_to_string("lmns/email/reminder.txt", context),
            from_email=None,
            recipient_list=[recipient],
        )
    except Exception as exc:  # the mail server is down: let a later run retry
        claim.delete()
        report.failed.append(f"{lmn.reference} {kind} {recipient}: {exc}")
        return
    audit_record(
        actor=None,
        organization=lmn.organization,
        action="action",
        entity="lmn",
        entity_id=lmn.pk,
        client_id=lmn.client_id,
        summary=f"reminder {kind} for {lmn.reference} sent to {recipient}",
        actor_label="reminder task",
    )
    report.sent += 1
