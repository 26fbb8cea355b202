"""The letter as PDF: every element a payer requires is in its text (read back
with pypdf), the signed version carries the attestation and audit reference,
long letters flow onto more pages, and the same letter is the same bytes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from pypdf import PdfReader

from fitclaim.documents.lmn import LetterDocument, Signature, render_letter
from fitclaim.documents.pdf import Letterhead
from fitclaim.funding.models import FundingSource
from fitclaim.lmns.selectors import lmn_document, lmn_pdf
from fitclaim.preauths.selectors import preauth_request_pdf
from fitclaim.preauths.services import preauth_create

from .conftest import TODAY, World, draft_letter, scan_sign, send
from .test_signing import sign


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_text_contains_every_required_element(world_ready: World):
    lmn = draft_letter(world_ready)
    text = flat(text_of(lmn_pdf(by=None, lmn=lmn)[0]))
    required = [
        "Letter of Medical Necessity",
        "Riverbend Medical Fitness",
        # patient name and birth date
        "Dana Reyes",
        "April 9, 1971",
        # every diagnosis with its description
        "E66.812",
        "Obesity, class 2",
        "E11.9",
        "Type 2 diabetes mellitus without complications",
        # the necessity statement
        "would not be incurred but for them",
        # the plan with frequency and duration
        "Supervised resistance and aerobic training",
        "2 sessions per week, 60 minutes each",
        "Moderate, RPE 11-13",
        "Check blood glucose before sessions",
        "HbA1c below 7%",
        "48",
        "Sam Ortiz",
        "Main Studio",
        # validity dates
        f"{lmn.valid_from:%B} {lmn.valid_from.day}, {lmn.valid_from.year} through "
        f"{lmn.valid_to:%B} {lmn.valid_to.day}, {lmn.valid_to.year}",
        # provider name, kind, credentials and NPI
        "Dr. Ana Lee, MD",
        "Physician",
        "1245319599",
        # member id and the signature block
        "ACM884120931",
        "Signature:",
        lmn.reference,
    ]
    missing = [element for element in required if element not in text]
    assert missing == []


def test_the_signed_pdf_carries_the_attestation_and_its_audit_reference(world_ready: World):
    lmn = draft_letter(world_ready)
    token = send(world_ready, lmn)
    lmn.refresh_from_db()
    sign(token, lmn)
    lmn.refresh_from_db()
    text = flat(text_of(lmn_pdf(by=None, lmn=lmn)[0]))
    assert "Electronically signed by Ana Lee" in text
    assert f"Audit reference {lmn.signature_audit_reference}" in text
    assert "198.51.100.7" in text
    assert lmn.document_sha256 in text.replace(" ", "")
    assert "Signature: ____" not in text


def test_a_scanned_letter_serves_its_scan_as_pdf(world_ready: World):
    lmn = scan_sign(world_ready, draft_letter(world_ready))
    content, name = lmn_pdf(by=None, lmn=lmn)
    assert content.startswith(b"%PDF")
    assert name.endswith("signed-scan.pdf")
    assert len(PdfReader(io.BytesIO(content)).pages) == 1


def test_the_same_letter_renders_to_the_same_bytes(world_ready: World):
    lmn = draft_letter(world_ready)
    assert render_letter(lmn_document(lmn)) == render_letter(lmn_document(lmn))


def sample() -> LetterDocument:
    return LetterDocument(
        letterhead=Letterhead(name="Studio Ü", address="1 Main St\nSalem, OR"),
        reference="LMN-00001",
        version=2,
        patient_name="Zoë Łukasiewicz-Ñúñez",
        patient_birth_date=dt.date(1980, 1, 2),
        member_ids="",
        diagnoses=(("E66.01", "Morbid (severe) obesity due to excess calories"),),
        necessity_statement="Training treats the condition. " * 400,
        exercise_kind="Walking",
        sessions_per_week=3,
        minutes_per_session=30,
        intensity="",
        precautions="",
        goals="",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        sessions_authorized=None,
        authorized_trainers=(),
        authorized_facilities=(),
        reexamination_date=None,
        provider_name="Ana Lee",
        provider_kind="physician",
        provider_credentials="MD",
        provider_npi="1245319599",
        signature=Signature(
            method="electronic",
            signer_name="Ana Lee",
            signed_at=dt.datetime(2026, 1, 1, 9, 30),
            audit_reference="AE-1",
            document_sha256="0" * 64,
        ),
    )


def test_a_long_letter_flows_onto_more_pages_and_keeps_the_signature_whole():
    pdf = render_letter(sample())
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    pages = [flat(page.extract_text()) for page in reader.pages]
    # Every sentence is there (one may run across a page break, around the footer).
    assert " ".join(pages).count("treats") == 400
    signed_on = [i for i, page in enumerate(pages) if "Electronically signed by" in page]
    attested_on = [i for i, page in enumerate(pages) if "Provider attestation" in page]
    assert signed_on == attested_on  # the signature block is never split
    assert "Page 3" in pages[2]
    assert "Zoë Łukasiewicz-Ñúñez" in pages[0]  # any patient's name prints


def test_a_word_too_long_for_a_line_is_broken_not_cut_off():
    long = "x" * 400
    pdf = render_letter(dataclasses.replace(sample(), necessity_statement=long))
    assert long in flat(text_of(pdf)).replace(" ", "")


def test_the_preauthorization_request_has_the_cover_letter_then_the_signed_letter(
    world_ready: World,
):
    lmn = draft_letter(world_ready)
    token = send(world_ready, lmn)
    lmn.refresh_from_db()
    sign(token, lmn)
    lmn.refresh_from_db()
    insurance = FundingSource.objects.get(client=world_ready.dana, kind="insurance")
    preauth = preauth_create(
        by=world_ready["admin"].actor(),
        client=world_ready.dana,
        data={
            "source_id": insurance.pk,
            "lmn_id": lmn.pk,
            "requested_on": TODAY(),
            "requested_sessions": 24,
            "requested_from": TODAY(),
            "requested_to": TODAY() + dt.timedelta(days=90),
            "service_codes": ["S9451", "97110"],
        },
    )
    content, _name = preauth_request_pdf(by=None, preauth=preauth)
    reader = PdfReader(io.BytesIO(content))
    signed = PdfReader(io.BytesIO(lmn_pdf(by=None, lmn=lmn)[0]))
    assert len(reader.pages) == 1 + len(signed.pages)
    cover = flat(reader.pages[0].extract_text())
    for element in (
        "Request for Pre-authorization",
        "Acme Health",
        "ACM884120931",
        "Dana Reyes",
        "S9451",
        "97110",
        "24 sessions",
        lmn.reference,
        "E66.812",
        "attached",
    ):
        assert element in cover, element
    assert "Electronically signed by" in flat(
        reader.pages[1].extract_text() + " ".join(page.extract_text() for page in reader.pages[1:])
    )
