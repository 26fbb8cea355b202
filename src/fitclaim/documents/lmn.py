"""The letter of medical necessity as printed, unsigned or with its signature."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Spacer

from fitclaim.documents.pdf import (
    Letterhead,
    grid,
    key_values,
    letterhead_flowables,
    markup,
    para,
    render,
    text,
)

PROVIDER_KINDS = {
    "physician": "Physician",
    "nurse_practitioner": "Nurse practitioner",
    "physician_assistant": "Physician assistant",
    "chiropractor": "Chiropractor",
    "physical_therapist": "Physical therapist",
}


@dataclass(frozen=True)
class Signature:
    """How the letter was signed: typed name with attestation, or a wet-signed scan."""

    method: str  # "electronic" or "scan"
    signer_name: str
    signed_at: dt.datetime
    audit_reference: str = ""
    ip: str = ""


@dataclass(frozen=True)
class LetterDocument:
    letterhead: Letterhead
    reference: str
    version: int
    patient_name: str
    patient_birth_date: dt.date | None
    member_ids: str
    diagnoses: tuple[tuple[str, str], ...]
    necessity_statement: str
    exercise_kind: str
    sessions_per_week: int | None
    minutes_per_session: int | None
    intensity: str
    precautions: str
    goals: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    sessions_authorized: int | None
    authorized_trainers: tuple[str, ...]
    authorized_facilities: tuple[str, ...]
    reexamination_date: dt.date | None
    provider_name: str
    provider_kind: str
    provider_credentials: str
    provider_npi: str
    provider_license: str = ""
    provider_contact: str = ""
    signature: Signature | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _date(value: dt.date | None) -> str:
    return value.strftime("%B %-d, %Y") if value else "—"


def letter_flowables(letter: LetterDocument) -> list[Flowable]:
    title = "Letter of Medical Necessity"
    story: list[Flowable] = letterhead_flowables(
        letter.letterhead,
        document_title=title,
        reference=f"Ref. {letter.reference} · version {letter.version}",
    )
    story.append(markup(text(title), "title"))
    story.append(
        key_values(
            [
                ("Patient", letter.patient_name),
                ("Date of birth", _date(letter.patient_birth_date)),
                ("Member / account ids", letter.member_ids or "—"),
                ("Valid", f"{_date(letter.valid_from)} through {_date(letter.valid_to)}"),
            ]
        )
    )
    story.append(markup("Diagnoses (ICD-10-CM)", "h2"))
    story.append(
        grid(
            [["Code", "Description"], *[[code, desc] for code, desc in letter.diagnoses]],
            [1.1 * inch, 5.9 * inch],
        )
    )
    story.append(markup("Statement of medical necessity", "h2"))
    story.append(para(letter.necessity_statement))
    story.append(markup("Prescribed treatment plan", "h2"))
    frequency = (
        f"{letter.sessions_per_week} sessions per week, {letter.minutes_per_session} minutes each"
        if letter.sessions_per_week and letter.minutes_per_session
        else "—"
    )
    plan = [
        ("Kind of exercise", letter.exercise_kind or "—"),
        ("Frequency and duration", frequency),
        ("Intensity", letter.intensity or "—"),
        ("Precautions", letter.precautions or "—"),
        ("Goals", letter.goals or "—"),
        (
            "Sessions authorized",
            str(letter.sessions_authorized) if letter.sessions_authorized else "As prescribed",
        ),
        (
            "Authorized trainers",
            ", ".join(letter.authorized_trainers) or "Any qualified trainer",
        ),
        (
            "Authorized facilities",
            ", ".join(letter.authorized_facilities) or "Any facility",
        ),
        ("Re-examination", _date(letter.reexamination_date)),
    ]
    story.append(key_values(plan))
    for note in letter.notes:
        story.append(Spacer(1, 4))
        story.append(para(note, "small"))
    story.append(Spacer(1, 14))
    story.append(KeepTogether(signature_block(letter)))
    return story


def signature_block(letter: LetterDocument) -> list[Flowable]:
    kind = PROVIDER_KINDS.get(letter.provider_kind, letter.provider_kind)
    provider = [
        ("Provider", f"{letter.provider_name}, {letter.provider_credentials}".strip(", ")),
        ("Provider kind", kind or "—"),
        ("NPI", letter.provider_npi or "—"),
    ]
    if letter.provider_license:
        provider.append(("License", letter.provider_license))
    if letter.provider_contact:
        provider.append(("Contact", letter.provider_contact))
    block: list[Flowable] = [markup("Provider attestation", "h2")]
    block.append(
        para(
            "I certify that I have examined this patient, that the training described above "
            "is medically necessary to treat the diagnosed conditions, and that it would not be "
            "incurred but for them."
        )
    )
    block.append(Spacer(1, 6))
    block.append(key_values(provider))
    block.append(Spacer(1, 8))
    signature = letter.signature
    if signature is None:
        block.append(para("Signature: ______________________________    Date: ______________"))
    elif signature.method == "electronic":
        stamp = signature.signed_at.strftime("%Y-%m-%d %H:%M %Z").strip()
        block.append(
            markup(
                f"<b>Electronically signed by {text(signature.signer_name)}</b> on {text(stamp)}. "
                "The signer typed their full name and attested to the statement above."
            )
        )
        details = f"Audit reference {text(signature.audit_reference)}"
        if signature.ip:
            details += f" · from {text(signature.ip)}"
        block.append(markup(details, "small"))
    else:
        block.append(
            markup(
                f"<b>Signed by {text(signature.signer_name)}</b> on "
                f"{text(signature.signed_at.strftime('%Y-%m-%d'))} (wet-signed original on file). "
                f"Audit reference {text(signature.audit_reference)}."
            )
        )
    return block


def render_letter(letter: LetterDocument) -> bytes:
    """The letter as a PDF. The same letter always renders to the same bytes, so
    the hash taken when it is signed proves what was signed."""
    return render(
        letter_flowables(letter),
        title=f"Letter of Medical Necessity {letter.reference}",
        author=letter.letterhead.name,
        footer=f"{letter.letterhead.name} · Letter of Medical Necessity {letter.reference} "
        f"v{letter.version} · {letter.patient_name}",
    )
