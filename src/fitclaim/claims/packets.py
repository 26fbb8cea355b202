"""A claim's documents and the checks before it is sent: the packet check, the
packet itself (cover sheet, superbill, signed letter, receipts), the
CMS-1500-style form, the appeal letter, and the HSA deferred ledger.

Load first, compute after: each document is built from a dataclass filled
here from the database; the checks are the pure functions of
fitclaim.domain.claim_checks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record
from fitclaim.claims.case import client_result, decision_for, decisions_by_session
from fitclaim.claims.models import Appeal, Claim, ClaimLine, Status
from fitclaim.clients.models import Client
from fitclaim.documents.pdf import Letterhead
from fitclaim.domain.case_checks import InvalidCase
from fitclaim.domain.claim_checks import (
    CheckCode,
    ClaimCheck,
    InsuranceOutcome,
    PacketFacts,
    PacketLetter,
    PacketLine,
    SessionLine,
    check_code_license,
    check_packet_letter,
    packet_checks,
)
from fitclaim.domain.codes import icd10_description
from fitclaim.domain.service_codes import service_code
from fitclaim.funding.models import FundingKind, FundingSource
from fitclaim.interop.x12.carc import carc_words, reasons_for
from fitclaim.lmns.models import Lmn, LmnStatus
from fitclaim.trainers.models import Credential

ZERO = Decimal("0.00")
SIGNED = (LmnStatus.SIGNED, LmnStatus.EXPIRED, LmnStatus.SUPERSEDED, LmnStatus.REVOKED)


def today() -> dt.date:
    return timezone.localdate()


def letterhead_of(organization: Any) -> Letterhead:
    return Letterhead(
        name=organization.name,
        address=organization.address,
        phone=organization.phone,
        tax_id=organization.tax_id,
        npi=organization.group_npi,
    )


def describe(code: str) -> str:
    entry = service_code(code)
    return entry.description if entry else ""


def _lines(claim: Claim) -> list[ClaimLine]:
    return list(
        claim.lines.select_related(
            "session__trainer", "session__facility", "lmn__provider", "preauthorization"
        )
        .prefetch_related(
            Prefetch("session__trainer__credentials", queryset=Credential.objects.order_by("code"))
        )
        .order_by("date", "pk")
    )


def _client_letters(client: Client) -> list[Lmn]:
    return list(
        Lmn.objects.filter(client_id=client.pk)
        .select_related("provider", "signed_pdf", "signed_scan")
        .order_by("-valid_to", "-pk")
    )


def _is_signed(lmn: Lmn) -> bool:
    return lmn.status in SIGNED and lmn.signed_on is not None


def _valid_to(lmn: Lmn) -> dt.date | None:
    from fitclaim.domain.letters import engine_valid_to

    if lmn.valid_to is None:
        return None
    if lmn.status == LmnStatus.REVOKED:
        return engine_valid_to(valid_to=lmn.valid_to, revoked_on=lmn.revoked_on)
    return lmn.valid_to


def letter_for_line(line: ClaimLine, letters: list[Lmn]) -> Lmn | None:
    """The letter a line relies on: the one the engine chose when the claim was
    built, else the best letter covering the date (signed before unsigned)."""
    if line.lmn_id is not None:
        chosen = next((lmn for lmn in letters if lmn.pk == line.lmn_id), None)
        if chosen is not None:
            return chosen
    covering = [
        lmn
        for lmn in letters
        if lmn.valid_from and lmn.valid_to and lmn.valid_from <= line.date <= lmn.valid_to
    ]
    covering.sort(key=lambda lmn: (not _is_signed(lmn), -(lmn.valid_to.toordinal())))  # type: ignore[union-attr]
    return covering[0] if covering else None


def packet_letter(lmn: Lmn) -> PacketLetter:
    return PacketLetter(
        reference=f"{lmn.reference} v{lmn.version}",
        signed=_is_signed(lmn),
        valid_from=lmn.valid_from or dt.date.min,
        valid_to=_valid_to(lmn) or dt.date.min,
        issuer_kind=lmn.provider.kind if lmn.provider else "",
        electronic=lmn.signature_method == "electronic",
    )


@dataclass
class ClaimFacts:
    """Everything the checks and documents of a claim read, loaded once."""

    claim: Claim
    lines: list[ClaimLine]
    letters: dict[int, Lmn | None]  # line pk -> letter
    insurance: dict[int, tuple[InsuranceOutcome, ...]]  # line pk -> outcomes
    insurance_paid: dict[int, list[tuple[str, Decimal]]]  # line pk -> settled by insurance
    error: str = ""


def claim_facts(claim: Claim, *, as_of: dt.date | None = None) -> ClaimFacts:
    """The claim's lines with their letters, and what each insurance plan of the
    client did about each line's session (from the engine, as of today)."""
    lines = _lines(claim)
    letters = _client_letters(claim.client)
    facts = ClaimFacts(
        claim=claim,
        lines=lines,
        letters={line.pk: letter_for_line(line, letters) for line in lines},
        insurance={},
        insurance_paid={},
    )
    plans = [
        source
        for source in claim.client.funding_sources.filter(kind=FundingKind.INSURANCE).order_by(
            "order", "pk"
        )
        if source.pk != claim.source_id
    ]
    if not plans:
        return facts
    try:
        result = client_result(client=claim.client, as_of=as_of or today())
    except InvalidCase as exc:
        facts.error = "; ".join(str(p) for p in exc.problems)[:300]
        return facts
    entries = decisions_by_session(result)
    pending = set(
        ClaimLine.objects.filter(
            open=True,
            answered=False,
            source__in=plans,
            session_id__in=[line.session_id for line in lines],
        ).values_list("session_id", "source_id")
    )
    for line in lines:
        entry = entries.get(line.session_id)
        outcomes = []
        paid = []
        for plan in plans:
            if (line.session_id, plan.pk) in pending:
                outcomes.append(InsuranceOutcome(name=plan.name, status="pending"))
                continue
            decision = decision_for(entry, plan.engine_id) if entry else None
            if decision is None:
                continue
            outcomes.append(InsuranceOutcome(name=plan.name, status=decision["status"]))
            if decision["status"] == "settled":
                paid.append((plan.name, Decimal(decision["amount"])))
        facts.insurance[line.pk] = tuple(outcomes)
        facts.insurance_paid[line.pk] = paid
    return facts


def packet_facts(facts: ClaimFacts) -> PacketFacts:
    claim = facts.claim
    source: FundingSource = claim.source
    org = claim.organization
    return PacketFacts(
        source=source.engine_id,
        source_name=source.name,
        kind=source.kind,
        requires_lmn=bool(source.requires_lmn),
        accepted_issuers=tuple(source.accepted_issuers or ()),
        accepts_esignature=source.accepts_esignature,
        provider_name=org.name,
        provider_address=org.address,
        patient_name=claim.client.name,
        patient_birth_date=claim.client.birth_date,
        member_id=source.member_id,
        lines=tuple(
            PacketLine(
                id=str(line.session_id),
                date=line.date,
                description=describe(line.code),
                rendered_by=line.session.trainer.name,
                amount=line.amount,
                letter=packet_letter(lmn) if (lmn := facts.letters.get(line.pk)) else None,
                insurance=facts.insurance.get(line.pk, ()),
            )
            for line in facts.lines
        ),
    )


def _missing(message: str, session: str | None = None) -> ClaimCheck:
    return ClaimCheck(code=CheckCode.DATA_MISSING, message=message, session=session)


def insurance_checks(facts: ClaimFacts) -> list[ClaimCheck]:
    """What an insurer needs on a claim (the CMS-1500's boxes, the 837P's
    segments): member id, the patient's birth date and address, the
    organization's name, address and tax id, diagnoses from the letter, a valid
    letter where the plan requires one, and codes the trainer may bill."""
    claim = facts.claim
    client = claim.client
    org = claim.organization
    source = claim.source
    checks: list[ClaimCheck] = []
    if not source.member_id.strip():
        checks.append(_missing(f"The member id for {source.name} is missing (funding tab)."))
    if client.birth_date is None:
        checks.append(_missing("The patient's date of birth is missing (client record)."))
    if not client.address.strip():
        checks.append(_missing("The patient's address is missing (client record)."))
    if not org.address.strip():
        checks.append(_missing("The organization's address is missing (settings)."))
    if not org.tax_id.strip():
        checks.append(_missing("The organization's tax id (EIN) is missing (settings)."))
    if not diagnoses_of_claim(facts):
        checks.append(_missing("No diagnosis: the letter of medical necessity lists none."))
    packet = packet_facts(facts)
    for line in facts.lines:
        packet_line = next(p for p in packet.lines if p.id == str(line.session_id))
        checks.extend(check_packet_letter(packet, packet_line))
        license_check = check_code_license(
            SessionLine(
                id=str(line.session_id),
                code=line.code,
                trainer_name=line.session.trainer.name,
                profession=line.session.trainer.licensed_profession,
            )
        )
        if license_check is not None:
            checks.append(license_check)
    return checks


def readiness_checks(claim: Claim) -> list[ClaimCheck]:
    """Everything that keeps a claim from being marked ready, blocking for its
    source's kind: the packet check for FSA, HSA and wellness claims, the
    insurer's data for insurance claims."""
    facts = claim_facts(claim)
    checks: list[ClaimCheck] = []
    if facts.error:
        checks.append(_missing(f"The client's records do not make a valid case: {facts.error}"))
    if claim.kind == FundingKind.INSURANCE:
        checks += insurance_checks(facts)
    else:
        checks += packet_checks(packet_facts(facts))
    return [check for check in checks if check.blocks_kind(claim.kind)]


def diagnoses_of_claim(facts: ClaimFacts) -> list[str]:
    """The diagnoses of the letters the lines rely on, in order, each once;
    the client's conditions when no letter lists any."""
    codes: list[str] = []
    for line in facts.lines:
        lmn = facts.letters.get(line.pk)
        for code in lmn.diagnoses if lmn else []:
            if code not in codes:
                codes.append(code)
    return codes or list(facts.claim.client.conditions)


# --------------------------------------------------------------------- the packet


def _credentials_on(line: ClaimLine) -> str:
    trainer = line.session.trainer
    held = [
        c.code
        for c in trainer.credentials.all()
        if (c.issued is None or c.issued <= line.date) and line.date <= c.expires
    ]
    if trainer.licensed_profession != "none":
        held.insert(0, trainer.get_licensed_profession_display())
    return ", ".join(held)


def _superbill(facts: ClaimFacts) -> bytes:
    from fitclaim.documents.receipts import SuperbillDocument, SuperbillLine, render_superbill

    claim = facts.claim
    client = claim.client
    lines = facts.lines
    letters = _distinct_letters(facts)
    document = SuperbillDocument(
        letterhead=letterhead_of(claim.organization),
        issued_on=today(),
        date_from=min(line.date for line in lines),
        date_to=max(line.date for line in lines),
        patient_name=client.name,
        patient_birth_date=client.birth_date,
        patient_address=client.address,
        member_ids=f"{claim.source.payer_name or claim.source.name}: {claim.source.member_id}"
        if claim.source.member_id
        else "",
        diagnoses=tuple(
            (code, icd10_description(code) or "") for code in diagnoses_of_claim(facts)
        ),
        lmn_reference="; ".join(_letter_words(lmn) for lmn in letters),
        lines=tuple(
            SuperbillLine(
                date=line.date,
                code=line.code,
                description=describe(line.code) or line.code,
                units=line.units,
                charge=line.charge,
                paid=line.session.paid_total,
                trainer_name=line.session.trainer.name,
                trainer_credentials=_credentials_on(line),
                trainer_npi=line.session.trainer.npi,
                place=line.session.facility.name if line.session.facility else "",
            )
            for line in lines
        ),
    )
    return render_superbill(document)


def _distinct_letters(facts: ClaimFacts) -> list[Lmn]:
    seen: dict[int, Lmn] = {}
    for line in facts.lines:
        lmn = facts.letters.get(line.pk)
        if lmn is not None and lmn.pk not in seen:
            seen[lmn.pk] = lmn
    return list(seen.values())


def _letter_words(lmn: Lmn) -> str:
    provider = str(lmn.provider) if lmn.provider else ""
    return (
        f"{lmn.reference} v{lmn.version}, {provider}, valid {lmn.valid_from} to {_valid_to(lmn)}"
        + (f", signed {lmn.signed_on}" if lmn.signed_on else ", not signed")
    )


def _insurance_words(facts: ClaimFacts, line: ClaimLine) -> tuple[str, Decimal]:
    paid = facts.insurance_paid.get(line.pk, [])
    outcomes = facts.insurance.get(line.pk, ())
    total = sum((amount for _, amount in paid), ZERO)
    if paid:
        return "; ".join(f"{name} paid ${amount:,.2f}" for name, amount in paid), total
    if not outcomes:
        return "no insurance", ZERO
    words = {
        "ineligible": "not covered",
        "not_needed": "not billed",
        "payable": "not yet claimed",
        "pending": "claimed, no answer yet",
    }
    return "; ".join(f"{o.name}: {words.get(o.status, o.status)}" for o in outcomes), ZERO


def _receipts(by: Actor | None, facts: ClaimFacts) -> tuple[list[bytes], list[str]]:
    """Every receipt of the claim's sessions as PDF parts, with their names:
    the itemized receipts fitclaim issued, then the uploaded ones."""
    from fitclaim.documents.claim_packet import attachment_as_pdf
    from fitclaim.documents.receipts import render_receipt
    from fitclaim.files.services import file_read
    from fitclaim.payments.models import Receipt, UploadedReceipt
    from fitclaim.payments.selectors import receipt_document

    session_ids = [line.session_id for line in facts.lines]
    parts: list[bytes] = []
    names: list[str] = []
    issued = Receipt.objects.filter(lines__session_id__in=session_ids).distinct().order_by("pk")
    for receipt in issued:
        parts.append(render_receipt(receipt_document(receipt)))
        names.append(f"Itemized receipt {receipt.number}")
    uploads = (
        UploadedReceipt.objects.filter(sessions__in=session_ids)
        .select_related("file", "file__organization")
        .distinct()
        .order_by("pk")
    )
    for upload in uploads:
        content = file_read(by=by, stored=upload.file)
        parts.append(attachment_as_pdf(content, upload.file.content_type))
        names.append(f"Receipt {upload.file.original_name}")
    return parts, names


def letter_pdf(by: Actor | None, lmn: Lmn) -> bytes:
    """A signed letter as PDF pages: its stored signed PDF, or its scan (a
    photo becomes a page without being decoded). The read is audited."""
    from fitclaim.documents.claim_packet import attachment_as_pdf
    from fitclaim.files.services import file_read

    if lmn.signed_pdf_id is not None:
        return file_read(by=by, stored=lmn.signed_pdf)
    assert lmn.signed_scan is not None
    return attachment_as_pdf(file_read(by=by, stored=lmn.signed_scan), lmn.signed_scan.content_type)


def cover_sheet(facts: ClaimFacts, enclosures: Iterable[str]) -> Any:
    from fitclaim.documents.claim_packet import CoverLine, CoverSheet

    claim = facts.claim
    client = claim.client
    source = claim.source
    lines = []
    for line in facts.lines:
        words, insurance_paid = _insurance_words(facts, line)
        paid = line.session.paid_total
        lines.append(
            CoverLine(
                date=line.date,
                code=line.code,
                description=describe(line.code),
                rendered_by=line.session.trainer.name,
                charge=line.charge,
                paid_by_patient=paid,
                insurance=words,
                after_insurance=max(ZERO, paid - insurance_paid),
                amount=line.amount,
            )
        )
    return CoverSheet(
        letterhead=letterhead_of(claim.organization),
        claim_number=claim.number,
        prepared_on=today(),
        source_name=source.name,
        source_kind=source.kind,
        administrator=source.payer_name,
        administrator_address=source.claim_address,
        member_name=client.name,
        member_birth_date=client.birth_date,
        member_address=client.address,
        member_id=source.member_id,
        total=claim.total,
        lines=tuple(lines),
        enclosures=tuple(enclosures),
        letters=tuple(_letter_words(lmn) for lmn in _distinct_letters(facts)),
    )


def claim_packet_pdf(*, by: Actor | None, claim: Claim) -> tuple[bytes, str]:
    """The packet: cover sheet, superbill, signed letter(s) of medical
    necessity and every receipt, as one PDF. The download is audited (and so
    is every stored file it reads)."""
    from fitclaim.documents.claim_packet import binary_streams, merge_pdfs, render_cover_sheet

    facts = claim_facts(claim)
    letters = [lmn for lmn in _distinct_letters(facts) if _is_signed(lmn)]
    letter_parts = [letter_pdf(by, lmn) for lmn in letters]
    receipt_parts, receipt_names = _receipts(by, facts)
    enclosures = [
        "Superbill of the services claimed",
        *(f"Letter of medical necessity {lmn.reference} v{lmn.version}" for lmn in letters),
        *receipt_names,
    ]
    cover = render_cover_sheet(cover_sheet(facts, enclosures))
    with binary_streams():
        superbill = _superbill(facts)
    content = merge_pdfs(
        [cover, superbill, *letter_parts, *receipt_parts],
        title=f"Claim packet {claim.number}",
    )
    audit_record(
        actor=by,
        organization=claim.organization,
        action="download",
        entity="claim",
        entity_id=claim.pk,
        client_id=claim.client_id,
        summary=f"downloaded the packet of claim {claim.number}",
    )
    return content, f"{claim.number}-packet.pdf"


# --------------------------------------------------------------------- CMS-1500


def cms1500_form(facts: ClaimFacts) -> Any:
    from fitclaim.documents.cms1500 import Cms1500, Cms1500Line

    claim = facts.claim
    client = claim.client
    org = claim.organization
    source = claim.source
    diagnoses = diagnoses_of_claim(facts)
    letters = "ABCDEFGHIJKL"
    pointer = "".join(letters[i] for i in range(min(4, len(diagnoses))))
    first_letter = next(iter(_distinct_letters(facts)), None)
    provider = first_letter.provider if first_letter else None
    others = client.funding_sources.filter(kind=FundingKind.INSURANCE).exclude(pk=source.pk)
    prior = next(
        (line.preauthorization.reference for line in facts.lines if line.preauthorization), ""
    )
    name = f"{client.last_name}, {client.first_name}".upper()
    address = client.address.replace("\n", ", ")
    facility = next((line.session.facility for line in facts.lines if line.session.facility), None)
    return Cms1500(
        payer_name=source.payer_name or source.name,
        payer_address=source.claim_address,
        insurance_type="Group health plan",
        insured_id=source.member_id,
        patient_name=name,
        patient_birth_date=client.birth_date,
        insured_name=name,
        patient_address=address,
        patient_phone=client.phone,
        relationship="Self",
        insured_address=address,
        group_number="",
        plan_name=source.name,
        other_coverage="YES" if others.exists() else "NO",
        referring_provider=str(provider) if provider else "",
        referring_npi=provider.npi if provider else "",
        diagnoses=tuple(code.replace(".", "") for code in diagnoses),
        prior_authorization=prior,
        lines=tuple(
            Cms1500Line(
                date=line.date,
                place="11",
                code=line.code,
                modifier="",
                pointer=pointer or "A",
                charge=line.charge,
                units=line.units,
                rendering_npi=line.session.trainer.npi or org.group_npi,
            )
            for line in facts.lines
        ),
        tax_id=org.tax_id,
        account_number=claim.number,
        accept_assignment=claim.channel == "edi",
        amount_paid=sum((line.session.paid_total for line in facts.lines), ZERO),
        signer=org.name,
        signed_on=today(),
        facility=(
            f"{facility.name}, {facility.address}".replace("\n", ", ")
            if facility
            else f"{org.name}, {org.address}".replace("\n", ", ")
        ),
        billing_provider=f"{org.name}, {org.address}".replace("\n", ", "),
        billing_phone=org.phone,
        billing_npi=org.group_npi,
        claim_number=claim.number,
    )


def cms1500_pdf(*, by: Actor | None, claim: Claim) -> tuple[bytes, str]:
    from fitclaim.documents.cms1500 import render_cms1500

    content = render_cms1500(cms1500_form(claim_facts(claim)))
    audit_record(
        actor=by,
        organization=claim.organization,
        action="download",
        entity="claim",
        entity_id=claim.pk,
        client_id=claim.client_id,
        summary=f"downloaded the CMS-1500 form of claim {claim.number}",
    )
    return content, f"{claim.number}-cms1500.pdf"


# --------------------------------------------------------------------- appeals


def _denial_code(line: ClaimLine) -> str:
    """The line's denial reason: the first CARC that maps to an engine reason,
    else the first that is not the member's share (deductible, copay)."""
    adjustments = list(line.adjustments.order_by("pk"))
    for adjustment in adjustments:
        if reasons_for(adjustment.reason):
            return adjustment.reason
    for adjustment in adjustments:
        if adjustment.group != "PR":
            return adjustment.reason
    return adjustments[0].reason if adjustments else ""


def appeal_body(claim: Claim, line: ClaimLine) -> tuple[str, str]:
    """(the CARC appealed, the drafted letter body). It answers the denial
    reason with what the records show: the letter of medical necessity
    (diagnoses, plan, validity), the pre-authorization and the plan's terms."""
    facts = claim_facts(claim)
    line = next(item for item in facts.lines if item.pk == line.pk)
    client = claim.client
    source = claim.source
    lmn = facts.letters.get(line.pk)
    code = _denial_code(line)
    words = carc_words(code) if code else ""
    service = f"{line.code} ({describe(line.code) or 'training'})"
    paragraphs = [
        f"We ask you to reconsider your decision on the service of {line.date.isoformat()}, "
        f"{service}, for {client.name}, billed on our claim {claim.number}"
        + (f" (your claim {claim.payer_claim_number})" if claim.payer_claim_number else "")
        + ". "
        + (
            f"It was denied with reason code {code}: {words or 'no description given'}."
            if code and line.paid == 0
            else f"It was paid {line.paid:,.2f} of the {line.amount:,.2f} we expected"
            + (f", with reason code {code}: {words}." if code else ".")
        )
    ]
    if lmn is not None:
        diagnoses = ", ".join(
            f"{d} ({icd10_description(d) or 'ICD-10-CM'})" for d in (lmn.diagnoses or [])
        )
        provider = lmn.provider
        from fitclaim.lmns.selectors import lmn_plan_text

        plan = lmn_plan_text(lmn) or lmn.exercise_kind or "supervised exercise training"
        paragraphs.append(
            "The service is medically necessary. "
            + (
                f"{provider}, {provider.get_kind_display().lower()}, NPI {provider.npi}, "
                if provider
                else "The treating provider "
            )
            + f"examined {client.name} and documented the diagnoses {diagnoses} in a letter of "
            f"medical necessity ({lmn.reference} version {lmn.version}"
            + (f", signed {lmn.signed_on}" if lmn.signed_on else "")
            + f"). The letter prescribes {plan}, valid from {lmn.valid_from} to "
            f"{_valid_to(lmn)}, a period that includes the date of service"
            + (f", for up to {lmn.sessions_authorized} sessions" if lmn.sessions_authorized else "")
            + ". Training under this prescription treats these conditions; it would not be "
            "incurred but for them."
        )
    preauth = line.preauthorization
    if preauth is not None:
        approved = (
            f"approved {preauth.approved_sessions} sessions from {preauth.valid_from} to "
            f"{preauth.valid_to}"
            if preauth.status == "approved"
            else f"requested on {preauth.requested_on} ({preauth.get_status_display().lower()})"
        )
        paragraphs.append(
            f"The service was authorized in advance: your reference {preauth.display_reference}, "
            f"{approved}, which covers the date of service."
        )
    elif code in ("197", "198"):
        paragraphs.append(
            "We ask you to review the enclosed letter of medical necessity as a request for "
            "retroactive authorization of the sessions it prescribes."
        )
    terms = _plan_terms(source)
    if terms:
        paragraphs.append(f"Under the terms of {source.name}: {terms}")
    specific = _reason_paragraph(code, claim, line, source)
    if specific:
        paragraphs.append(specific)
    paragraphs.append(
        f"Please reprocess the claim and pay the service as covered. We expected "
        f"{line.amount:,.2f} for it. Enclosed are the letter of medical necessity, the "
        "superbill and the itemized receipt."
    )
    return code, "\n\n".join(paragraphs)


def _plan_terms(source: FundingSource) -> str:
    parts = []
    if source.covered_codes:
        parts.append(f"the plan covers service codes {', '.join(source.covered_codes)}")
    if source.covered_conditions:
        parts.append(f"for conditions in {', '.join(source.covered_conditions)}")
    if source.session_limit is not None:
        parts.append(f"up to {source.session_limit} sessions in the plan year")
    if source.allowed_per_session is not None:
        parts.append(f"allowing {source.allowed_per_session:,.2f} a session")
    if source.period_start and source.period_end:
        parts.append(f"for services from {source.period_start} to {source.period_end}")
    return "; ".join(parts) + "." if parts else ""


def _reason_paragraph(code: str, claim: Claim, line: ClaimLine, source: FundingSource) -> str:
    if code == "29" and claim.submitted_on:
        days = source.timely_filing_days or 365
        return (
            f"The claim was filed on time: it was submitted on {claim.submitted_on}, within "
            f"the {days} days the plan allows after the date of service"
            + (f" (by {line.claim_by})." if line.claim_by else ".")
        )
    if code == "185":
        credentials = _credentials_on(line)
        return (
            f"The rendering trainer, {line.session.trainer.name}, held "
            + (credentials or "the required certification")
            + " on the date of service."
        )
    if code == "27" and source.period_start and source.period_end:
        return (
            f"Coverage was in force on the date of service: the plan period runs from "
            f"{source.period_start} to {source.period_end}."
        )
    if code == "16":
        return "The information the claim lacked is enclosed: the itemized receipt and the letter."
    return ""


def appeal_pdf(*, by: Actor | None, appeal: Appeal) -> tuple[bytes, str]:
    """The appeal letter, with the signed letter of medical necessity appended."""
    from fitclaim.documents.appeal import AppealLetter, render_appeal
    from fitclaim.documents.claim_packet import merge_pdfs

    claim = appeal.claim
    facts = claim_facts(claim)
    line = next(item for item in facts.lines if item.pk == appeal.line_id)
    lmn = facts.letters.get(line.pk)
    source = claim.source
    denial = (
        f"{appeal.reason}: {carc_words(appeal.reason) or 'see your remittance'}"
        if appeal.reason
        else "see your remittance"
    )
    letter = AppealLetter(
        letterhead=letterhead_of(claim.organization),
        reference=appeal.reference,
        date=appeal.sent_on or today(),
        payer_name=f"{source.payer_name or source.name}, Appeals",
        payer_address=source.claim_address,
        member_name=claim.client.name,
        member_birth_date=claim.client.birth_date,
        member_id=source.member_id,
        claim_number=claim.number,
        payer_claim_number=claim.payer_claim_number,
        service_date=line.date,
        service=f"{line.code} {describe(line.code)}".strip(),
        denial=denial,
        body=appeal.body,
        signer=claim.organization.name,
        enclosures=(
            *((f"Letter of medical necessity {lmn.reference} v{lmn.version}",) if lmn else ()),
            "Superbill and itemized receipt",
        ),
    )
    parts = [render_appeal(letter)]
    if lmn is not None and _is_signed(lmn):
        parts.append(letter_pdf(by, lmn))
    content = merge_pdfs(parts, title=f"Appeal {appeal.reference}")
    audit_record(
        actor=by,
        organization=claim.organization,
        action="download",
        entity="claim",
        entity_id=claim.pk,
        client_id=claim.client_id,
        summary=f"downloaded appeal {appeal.reference} of claim {claim.number}",
    )
    return content, f"{appeal.reference}-{claim.number}.pdf"


# --------------------------------------------------------------------- the HSA ledger


@dataclass(frozen=True)
class LedgerEntry:
    session_id: int
    date: dt.date
    code: str
    charge: Decimal
    paid: Decimal
    reimbursed_by_others: Decimal
    hsa_reimbursed: Decimal
    not_reimbursed: Decimal
    on_claim: str
    receipts: tuple[str, ...]


def hsa_ledger(*, client: Client, as_of: dt.date) -> tuple[FundingSource | None, list[LedgerEntry]]:
    """Every HSA-eligible amount of the client not yet reimbursed, one entry a
    session: what the HSA could pay now plus what it defers (a payable HSA
    decision), or what it has not covered beyond its settlement."""
    from fitclaim.payments.models import ReceiptLine, UploadedReceiptSession
    from fitclaim.training.models import TrainingSession

    source = client.funding_sources.filter(kind=FundingKind.HSA).first()
    if source is None:
        return None, []
    result = client_result(client=client, as_of=as_of)
    entries = decisions_by_session(result)
    wanted: dict[int, tuple[Decimal, Decimal, Decimal]] = {}
    for pk, entry in entries.items():
        decision = decision_for(entry, source.engine_id)
        if decision is None:
            continue
        others = sum(
            (
                Decimal(d["amount"])
                for d in entry["decisions"]
                if d["source"] != source.engine_id and d["status"] == "settled"
            ),
            ZERO,
        )
        if decision["status"] == "payable":
            left = Decimal(decision["amount"]) + Decimal(decision.get("deferred", "0.00"))
            wanted[pk] = (others, ZERO, left)
        elif decision["status"] == "settled":
            wanted[pk] = (others, Decimal(decision["amount"]), Decimal(entry["hsa_deferred"]))
    wanted = {pk: row for pk, row in wanted.items() if row[2] > 0}
    sessions = {
        s.pk: s for s in TrainingSession.objects.filter(pk__in=wanted).order_by("date", "pk")
    }
    receipts: dict[int, list[str]] = {pk: [] for pk in wanted}
    for session_id, receipt_id in (
        ReceiptLine.objects.filter(session_id__in=wanted)
        .values_list("session_id", "receipt_id")
        .distinct()
        .order_by("receipt_id")
    ):
        receipts[session_id].append(f"R-{receipt_id:06d}")
    for session_id, name in (
        UploadedReceiptSession.objects.filter(session_id__in=wanted)
        .values_list("session_id", "receipt__file__original_name")
        .order_by("receipt_id")
    ):
        receipts[session_id].append(name)
    on_claim = dict(
        ClaimLine.objects.filter(open=True, source=source, session_id__in=wanted)
        .exclude(claim__status=Status.WITHDRAWN)
        .values_list("session_id", "claim_id")
    )
    ledger = [
        LedgerEntry(
            session_id=pk,
            date=session.date,
            code=session.code,
            charge=session.charge,
            paid=Decimal(entries[pk]["paid"]),
            reimbursed_by_others=wanted[pk][0],
            hsa_reimbursed=wanted[pk][1],
            not_reimbursed=wanted[pk][2],
            on_claim=f"FC{on_claim[pk]:06d}" if pk in on_claim else "",
            receipts=tuple(receipts[pk]),
        )
        for pk, session in sessions.items()
    ]
    return source, ledger


LEDGER_COLUMNS = [
    "date",
    "code",
    "description",
    "charge",
    "paid",
    "reimbursed_by_other_plans",
    "hsa_reimbursed",
    "not_yet_reimbursed",
    "on_claim",
    "receipts",
]


def hsa_ledger_csv(entries: Iterable[LedgerEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LEDGER_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.date.isoformat(),
                entry.code,
                describe(entry.code),
                f"{entry.charge:.2f}",
                f"{entry.paid:.2f}",
                f"{entry.reimbursed_by_others:.2f}",
                f"{entry.hsa_reimbursed:.2f}",
                f"{entry.not_reimbursed:.2f}",
                entry.on_claim,
                "; ".join(entry.receipts),
            ]
        )
    return out.getvalue()


def hsa_ledger_pdf(*, by: Actor | None, client: Client, as_of: dt.date) -> bytes:
    """The ledger, then every receipt of its sessions, as one PDF."""
    from fitclaim.documents.claim_packet import attachment_as_pdf, merge_pdfs
    from fitclaim.documents.hsa_ledger import HsaLedger, LedgerRow, render_hsa_ledger
    from fitclaim.documents.receipts import render_receipt
    from fitclaim.files.services import file_read
    from fitclaim.payments.models import Receipt, UploadedReceipt
    from fitclaim.payments.selectors import receipt_document

    source, entries = hsa_ledger(client=client, as_of=as_of)
    ledger = HsaLedger(
        letterhead=letterhead_of(client.organization),
        prepared_on=as_of,
        account_name=source.name if source else "No HSA on file",
        account_id=source.member_id if source else "",
        established=source.established if source else None,
        member_name=client.name,
        member_birth_date=client.birth_date,
        rows=tuple(
            LedgerRow(
                date=e.date,
                code=e.code,
                description=describe(e.code),
                charge=e.charge,
                paid=e.paid,
                reimbursed_by_others=e.reimbursed_by_others,
                hsa_reimbursed=e.hsa_reimbursed,
                not_reimbursed=e.not_reimbursed,
                on_claim=e.on_claim,
                receipts=", ".join(e.receipts),
            )
            for e in entries
        ),
    )
    parts = [render_hsa_ledger(ledger)]
    session_ids = [e.session_id for e in entries]
    for receipt in (
        Receipt.objects.filter(lines__session_id__in=session_ids).distinct().order_by("pk")
    ):
        parts.append(render_receipt(receipt_document(receipt)))
    for upload in (
        UploadedReceipt.objects.filter(sessions__in=session_ids)
        .select_related("file", "file__organization")
        .distinct()
        .order_by("pk")
    ):
        parts.append(
            attachment_as_pdf(file_read(by=by, stored=upload.file), upload.file.content_type)
        )
    content = merge_pdfs(parts, title=f"HSA deferred ledger {client.name}")
    audit_record(
        actor=by,
        organization=client.organization,
        action="download",
        entity="hsa_ledger",
        entity_id=client.pk,
        client_id=client.pk,
        summary=f"downloaded the HSA deferred ledger of {client.name}",
    )
    return content
