"""Receipt and superbill PDFs (their text, read back with pypdf), and uploaded
outside receipts under the file rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from fitclaim.audit.models import AuditEvent
from fitclaim.documents.pdf import Letterhead
from fitclaim.documents.receipts import (
    ReceiptDocument,
    ReceiptItem,
    render_receipt,
)
from fitclaim.files.models import StoredFile
from fitclaim.payments.models import UploadedReceipt
from fitclaim.payments.selectors import receipt_pdf, superbill_pdf
from fitclaim.payments.services import (
    package_purchase,
    payment_record,
    receipt_issue_for_payment,
    receipt_issue_for_range,
    receipt_upload,
)
from fitclaim.training.models import SessionStatus
from fitclaim.training.services import session_mark

from .conftest import World, days_ago, make_session, pdf_text, tiny_pdf, tiny_png, today


@pytest.fixture
def billing_details(world: World) -> None:
    org = world.riverbend
    org.tax_id = "12-3456789"
    org.address = "12 River Road\nSpringfield, IL 62701"
    org.group_npi = "1245319599"
    org.save()
    world.sam.npi = "1245319599"
    world.sam.save()


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_payment_receipt_shows_the_five_data_points(
    world: World, admin: object, billing_details: None
) -> None:
    session = make_session(
        world, on=dt.date(2026, 2, 3) if today() >= dt.date(2026, 2, 3) else days_ago(5)
    )
    payment = payment_record(
        by=admin,
        client=world.dana,
        received_on=today(),
        amount="85.00",
        method="card",
        reference="AUTH 42",
        applications=[(session, "85.00")],
    )
    receipt = receipt_issue_for_payment(by=admin, payment=payment)
    text = one_line(pdf_text(receipt_pdf(by=admin, receipt=receipt)))
    # 1. provider and business, with the tax id
    assert "Riverbend Medical Fitness" in text and "Tax ID (EIN) 12-3456789" in text
    assert "Sam Ortiz" in text
    # 2. patient
    assert "Dana Reyes" in text
    # 3. service description and code
    assert "S9451" in text and "Exercise class, non-physician provider" in text
    # 4. date of service
    assert session.date.isoformat() in text
    # 5. amount paid
    assert "$85.00" in text
    # and the diagnoses
    assert "E66.812" in text and "E11.9" in text
    assert receipt.number in text
    assert AuditEvent.objects.filter(entity="receipt", action="download").count() == 1


def test_the_same_coverage_is_the_same_receipt(world: World, admin: object) -> None:
    session = make_session(world)
    payment = payment_record(
        by=admin,
        client=world.dana,
        received_on=today(),
        amount="85.00",
        method="card",
        applications=[(session, "85.00")],
    )
    first = receipt_issue_for_payment(by=admin, payment=payment)
    assert receipt_issue_for_payment(by=admin, payment=payment).pk == first.pk


def test_a_package_receipt_lists_only_attended_sessions_and_shows_what_is_held(
    world: World, sam: object
) -> None:
    sessions = [make_session(world, status=SessionStatus.SCHEDULED, on=days_ago(n)) for n in (2, 1)]
    package = package_purchase(
        by=sam,
        client=world.dana,
        purchased_on=days_ago(3),
        sessions_count=10,
        price="800.00",
        method="card",
    )
    session_mark(by=sam, session=sessions[0], status=SessionStatus.ATTENDED)
    receipt = receipt_issue_for_payment(by=sam, payment=package.payment)
    text = one_line(pdf_text(receipt_pdf(by=sam, receipt=receipt)))
    assert sessions[0].date.isoformat() in text
    assert sessions[1].date.isoformat() not in text.split("Services paid")[1].split("Payments")[0]
    assert "Prepaid and held: $720.00 for 9 session(s) not yet received" in text
    assert receipt.total == Decimal("80.00")


def test_a_receipt_for_a_date_range(world: World, admin: object) -> None:
    inside = make_session(world, on=days_ago(10))
    outside = make_session(world, on=days_ago(40))
    payment_record(
        by=admin,
        client=world.dana,
        received_on=today(),
        amount="170.00",
        method="check",
        applications=[(inside, "85.00"), (outside, "85.00")],
    )
    receipt = receipt_issue_for_range(
        by=admin, client=world.dana, date_from=days_ago(20), date_to=today()
    )
    assert list(receipt.lines.values_list("session_id", flat=True)) == [inside.pk]
    text = one_line(pdf_text(receipt_pdf(by=admin, receipt=receipt)))
    assert inside.date.isoformat() in text and outside.date.isoformat() not in text
    assert "Total paid $85.00" in text


def test_the_range_receipt_page_and_the_superbill_page(world: World, admin: object) -> None:
    make_session(world, on=days_ago(4))
    http = world["client_self"].http()
    url = f"/clients/{world.dana.pk}/receipt.pdf?from={days_ago(30)}&to={today()}"
    response = http.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    bad = http.get(f"/clients/{world.dana.pk}/superbill.pdf?from={today()}&to={days_ago(3)}")
    assert bad.status_code == 400 and "ends before it starts" in bad.content.decode()


def test_a_superbill_has_codes_units_charges_paid_and_the_rendering_trainer(
    world: World, admin: object, billing_details: None
) -> None:
    world.sam.licensed_profession = "pt"
    world.sam.save()
    therapy = make_session(world, on=days_ago(6), code="97110", charge="120.00")
    therapy.units = 3
    therapy.save()
    training = make_session(world, on=days_ago(4))
    make_session(world, on=days_ago(3), status=SessionStatus.CANCELLED)
    payment_record(
        by=admin,
        client=world.dana,
        received_on=today(),
        amount="205.00",
        method="card",
        applications=[(therapy, "120.00"), (training, "85.00")],
    )
    text = one_line(
        pdf_text(
            superbill_pdf(by=admin, client=world.dana, date_from=days_ago(30), date_to=today())
        )
    )
    for expected in (
        "Superbill",
        "Dana Reyes",
        "E66.812",
        "E11.9",
        "97110",
        "S9451",
        "$120.00",
        "$85.00",
        "Sam Ortiz",
        "ACSM-CEP",
        "Physical therapist",
        "NPI 1245319599",
        "Tax ID (EIN) 12-3456789",
        "Total charges $205.00",
    ):
        assert expected in text, expected
    assert days_ago(3).isoformat() not in text  # cancelled: not a service
    assert AuditEvent.objects.filter(entity="superbill", action="download").exists()


def test_the_receipt_layout_needs_no_database() -> None:
    doc = ReceiptDocument(
        letterhead=Letterhead(name="Studio", tax_id="98-7654321"),
        number="R-000001",
        issued_on=dt.date(2026, 3, 1),
        patient_name="Ana Park",
        patient_birth_date=None,
        patient_address="",
        diagnoses=(("E11.9", "Type 2 diabetes mellitus without complications"),),
        lmn_reference="LMN-7, Dr. Ana Lee, valid 2026-01-15 to 2027-01-14",
        scope="Services from 2026-02-01 to 2026-02-28",
        items=(
            ReceiptItem(
                date=dt.date(2026, 2, 3),
                code="S9451",
                description="Exercise class",
                rendered_by="Sam Ortiz",
                units=1,
                charge=Decimal("85.00"),
                paid=Decimal("85.00"),
            ),
        ),
        total=Decimal("85.00"),
    )
    text = one_line(pdf_text(render_receipt(doc)))
    assert "LMN-7, Dr. Ana Lee" in text and "Tax ID (EIN) 98-7654321" in text


# --------------------------------------------------------------------- uploaded receipts


def test_an_uploaded_receipt_is_kept_encrypted_and_its_download_is_audited(
    world: World, admin: object
) -> None:
    session = make_session(world)
    content = tiny_pdf()
    receipt = receipt_upload(
        by=admin,
        client=world.dana,
        name="gym receipt.pdf",
        content=content,
        sessions=[session],
        description="Riverside Gym, February",
    )
    stored = receipt.file
    assert stored.content_type == "application/pdf" and stored.client_id == world.dana.pk
    with default_storage.open(stored.storage_name, "rb") as blob:
        assert blob.read()[:5] != b"%PDF-"  # encrypted at rest
    response = world["client_self"].http().get(f"/receipts/uploaded/{receipt.pk}/")
    assert response.status_code == 200 and response.content == content
    assert response["Content-Disposition"] == 'attachment; filename="gym receipt.pdf"'
    assert AuditEvent.objects.filter(
        entity="file", action="download", entity_id=str(stored.pk)
    ).exists()


def test_an_upload_that_is_not_really_a_pdf_is_refused_by_its_content(
    world: World, admin: object
) -> None:
    session = make_session(world)
    with pytest.raises(ValidationError) as caught:
        receipt_upload(
            by=admin,
            client=world.dana,
            name="receipt.pdf",
            content=b"MZ\x90\x00 not a pdf at all",
            sessions=[session],
        )
    assert caught.value.message_dict["file"] == ["Only PDF, JPEG and PNG files are accepted."]
    assert not StoredFile.objects.exists() and not UploadedReceipt.objects.exists()


def test_an_upload_that_is_too_large_is_refused(world: World, admin: object) -> None:
    from fitclaim.files.services import MAX_UPLOAD_BYTES

    session = make_session(world)
    with pytest.raises(ValidationError) as caught:
        receipt_upload(
            by=admin,
            client=world.dana,
            name="huge.png",
            content=tiny_png() + b"\0" * MAX_UPLOAD_BYTES,
            sessions=[session],
        )
    assert "larger than" in caught.value.message_dict["file"][0]
    assert not StoredFile.objects.exists()


def test_an_upload_must_name_sessions_of_that_client(world: World, admin: object) -> None:
    other = make_session(world, client=world.marcus, trainer=world.jo)
    with pytest.raises(ValidationError) as caught:
        receipt_upload(
            by=admin, client=world.dana, name="r.png", content=tiny_png(), sessions=[other]
        )
    assert "not sessions of Dana Reyes" in caught.value.message_dict["sessions"][0]
    with pytest.raises(ValidationError) as caught:
        receipt_upload(by=admin, client=world.dana, name="r.png", content=tiny_png(), sessions=[])
    assert "sessions" in caught.value.message_dict


def test_the_client_uploads_a_receipt_from_the_portal(world: World) -> None:
    session = make_session(world)
    http = world["client_self"].http()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = http.post(
        f"/clients/{world.dana.pk}/receipts/upload/",
        {"file": SimpleUploadedFile("r.png", tiny_png(), "image/png"), "sessions": [session.pk]},
    )
    assert response.status_code == 302
    assert UploadedReceipt.objects.get().sessions.get() == session
    # Another portal client may not upload for Dana.
    other = (
        world["another_client"]
        .http()
        .post(
            f"/clients/{world.dana.pk}/receipts/upload/",
            {
                "file": SimpleUploadedFile("r.png", tiny_png(), "image/png"),
                "sessions": [session.pk],
            },
        )
    )
    assert other.status_code == 404


def test_a_receipt_names_the_signed_letter_that_covers_its_sessions(
    world: World, admin: object
) -> None:
    lmn_models = pytest.importorskip("fitclaim.lmns.models")
    if not hasattr(lmn_models, "Lmn"):
        pytest.skip("no letter model yet")
    letter = lmn_models.Lmn.objects.create(
        organization=world.riverbend,
        client=world.dana,
        provider=world.provider,
        status="signed",
        diagnoses=["E66.812"],
        valid_from=days_ago(60),
        valid_to=today() + dt.timedelta(days=300),
        signature_method="scan",
        signer_name="Dr. Ana Lee",
        signed_on=days_ago(60),
    )
    session = make_session(world, on=days_ago(5))
    payment = payment_record(
        by=admin,
        client=world.dana,
        received_on=today(),
        amount="85.00",
        method="card",
        applications=[(session, "85.00")],
    )
    receipt = receipt_issue_for_payment(by=admin, payment=payment)
    text = one_line(pdf_text(receipt_pdf(by=admin, receipt=receipt)))
    assert f"{letter.reference} v1, Dr. Ana Lee" in text


def test_the_receipt_and_superbill_commands(world: World, admin: object, tmp_path: Any) -> None:
    from django.core.management import CommandError, call_command

    session = make_session(world, on=days_ago(4))
    payment = payment_record(
        by=admin,
        client=world.dana,
        received_on=today(),
        amount="85.00",
        method="card",
        applications=[(session, "85.00")],
    )
    receipt_file = tmp_path / "receipt.pdf"
    call_command(
        "receipt",
        "--payment",
        str(payment.pk),
        "-o",
        str(receipt_file),
        "--user",
        "billing@riverbend.test",
    )
    assert "Dana Reyes" in pdf_text(receipt_file.read_bytes())
    superbill_file = tmp_path / "superbill.pdf"
    call_command(
        "superbill",
        str(world.dana.pk),
        "--from",
        str(days_ago(30)),
        "--to",
        str(today()),
        "-o",
        str(superbill_file),
        "--user",
        "sam@riverbend.test",
    )
    assert "S9451" in pdf_text(superbill_file.read_bytes())
    with pytest.raises(CommandError, match="not found"):
        call_command(
            "superbill",
            str(world.dana.pk),
            "--from",
            str(days_ago(30)),
            "--to",
            str(today()),
            "-o",
            str(superbill_file),
            "--user",
            "jo@riverbend.test",
        )
