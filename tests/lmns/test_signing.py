"""The provider's signing link: it shows the letter as printed, signs or declines
once, and an expired, reused, revoked or tampered link shows a clear page,
changes nothing and is in the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
from unittest import mock

import pytest
from django.core import signing
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from fitclaim.audit.models import AuditEvent
from fitclaim.files.models import StoredFile
from fitclaim.lmns.models import Lmn, LmnSignatureRequest, LmnStatus
from fitclaim.lmns.selectors import lmn_unsigned_sha256
from fitclaim.lmns.services import SIGNING_SALT, lmn_cancel_signature_request

from .conftest import TODAY, World, draft_letter, send, token_from_email

UA = "Mozilla/5.0 (provider test)"


@pytest.fixture
def sent(world_ready: World, mailoutbox):
    """A letter awaiting signature, and the token from the emailed link."""
    lmn = draft_letter(world_ready)
    send(world_ready, lmn)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ana.lee@clinic.example"]
    lmn.refresh_from_db()
    return lmn, token_from_email(mailoutbox[0])


def provider() -> HttpClient:
    return HttpClient(HTTP_USER_AGENT=UA, REMOTE_ADDR="198.51.100.7")


def sign(token: str, lmn: Lmn, **changes):
    data = {
        "signer_name": "Ana Lee",
        "attested": "on",
        "document_sha256": lmn_unsigned_sha256(lmn),
        **changes,
    }
    return provider().post(reverse("lmns:sign", args=[token]), data)


def state(lmn: Lmn) -> dict:
    """Everything a refused link must leave as it was."""
    lmn.refresh_from_db()
    return {
        "letter": {k: v for k, v in vars(lmn).items() if not k.startswith("_")},
        "links": list(LmnSignatureRequest.objects.filter(lmn=lmn).values()),
        "files": StoredFile.objects.count(),
    }


def test_the_link_shows_the_letter_as_it_prints(sent):
    lmn, token = sent
    response = provider().get(reverse("lmns:sign", args=[token]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Dana Reyes",
        "E66.812",
        "Supervised resistance and aerobic training",
        "2 sessions per week, 60 minutes each",
        "Dr. Ana Lee, MD",
        "1245319599",
    ):
        assert text in page
    assert lmn_unsigned_sha256(lmn) in page
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    pdf = provider().get(reverse("lmns:sign_pdf", args=[token]))
    assert pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == lmn_unsigned_sha256(lmn)
    assert AuditEvent.objects.filter(
        entity="lmn", entity_id=str(lmn.pk), action="view", via="link"
    ).exists()


def test_signing_records_who_when_from_where_and_the_hash(sent):
    lmn, token = sent
    reviewed = lmn_unsigned_sha256(lmn)
    response = sign(token, lmn)
    assert response.status_code == 200
    assert "the letter is signed" in response.content.decode()
    lmn.refresh_from_db()
    assert lmn.status == LmnStatus.SIGNED
    assert lmn.signature_method == "electronic"
    assert lmn.signer_name == "Ana Lee"
    assert lmn.signer_ip == "198.51.100.7"
    assert lmn.signer_user_agent == UA
    assert abs(lmn.signed_at - timezone.now()) < dt.timedelta(minutes=1)
    assert lmn.signed_on == TODAY()
    assert lmn.document_sha256 == reviewed
    event = AuditEvent.objects.get(pk=int(lmn.signature_audit_reference.removeprefix("AE-")))
    assert event.changes["document_sha256"] == reviewed
    assert event.ip == "198.51.100.7"
    link = LmnSignatureRequest.objects.get(lmn=lmn)
    assert link.used_at is not None and link.outcome == "signed"


def test_the_stored_hash_matches_the_pdf_served_afterwards(world_ready: World, sent):
    lmn, token = sent
    sign(token, lmn)
    lmn.refresh_from_db()
    served = world_ready["admin"].http().get(reverse("lmns:pdf", args=[lmn.pk]))
    assert served.status_code == 200
    assert hashlib.sha256(served.content).hexdigest() == lmn.signed_pdf.sha256
    from_api = world_ready["billing"].http().get(f"/api/v1/letters/{lmn.pk}/pdf")
    assert hashlib.sha256(from_api.content).hexdigest() == lmn.signed_pdf.sha256
    api = world_ready["admin"].http().get(f"/api/v1/letters/{lmn.pk}").json()
    assert api["signature"]["signed_pdf_sha256"] == lmn.signed_pdf.sha256
    assert api["signature"]["document_sha256"] == lmn.document_sha256
    assert (
        AuditEvent.objects.filter(
            action="download", entity="file", entity_id=str(lmn.signed_pdf_id)
        ).count()
        == 2
    )


def test_a_used_link_changes_nothing_and_a_letter_is_not_signed_twice(sent):
    lmn, token = sent
    sign(token, lmn)
    before = state(lmn)
    again = sign(token, lmn, signer_name="Someone Else")
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert provider().get(reverse("lmns:sign", args=[token])).status_code == 410
    declined = provider().post(reverse("lmns:sign_decline", args=[token]), {"comment": "no"})
    assert declined.status_code == 410
    assert state(lmn) == before
    refused = AuditEvent.objects.filter(summary__startswith="refused a used signing link")
    assert refused.count() == 3


def test_an_expired_link_changes_nothing(sent):
    lmn, token = sent
    LmnSignatureRequest.objects.filter(lmn=lmn).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    before = state(lmn)
    assert provider().get(reverse("lmns:sign", args=[token])).status_code == 410
    response = sign(token, lmn)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert state(lmn) == before
    assert lmn.status == LmnStatus.AWAITING_SIGNATURE
    assert AuditEvent.objects.filter(summary__startswith="refused a expired").exists()


def test_a_link_older_than_fourteen_days_is_expired_by_its_signature_alone(sent):
    lmn, token = sent
    before = state(lmn)
    later = dt.datetime.now().timestamp() + 15 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = sign(token, lmn)
    assert response.status_code == 410
    assert state(lmn) == before


def test_a_revoked_link_changes_nothing(world_ready: World, sent):
    lmn, token = sent
    lmn_cancel_signature_request(by=world_ready["admin"].actor(), lmn=lmn)
    before = state(lmn)
    response = sign(token, lmn)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert state(lmn) == before
    assert lmn.status == LmnStatus.DRAFT


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "x" + token[1:],
        lambda token: token.split(":")[0],
        lambda token: signing.TimestampSigner(salt="other").sign(token.split(":")[0]),
        lambda token: signing.TimestampSigner(salt=SIGNING_SALT, key="not-our-key").sign(
            token.split(":")[0]
        ),
    ],
    ids=["last-char", "first-char", "signature-cut", "other-salt", "other-key"],
)
def test_a_tampered_link_changes_nothing(sent, tamper):
    lmn, token = sent
    before = state(lmn)
    bad = tamper(token)
    page = provider().get(reverse("lmns:sign", args=[bad]))
    assert page.status_code == 404
    assert "not valid" in page.content.decode()
    assert "Dana" not in page.content.decode()
    assert sign(bad, lmn).status_code == 404
    assert provider().get(reverse("lmns:sign_pdf", args=[bad])).status_code == 404
    assert state(lmn) == before
    assert AuditEvent.objects.filter(summary__startswith="refused a invalid").count() == 3


def test_a_validly_signed_token_we_did_not_issue_is_invalid(sent):
    lmn, _token = sent
    forged = signing.TimestampSigner(salt=SIGNING_SALT).sign("made-up")
    before = state(lmn)
    assert sign(forged, lmn).status_code == 404
    assert state(lmn) == before


def test_signing_needs_the_typed_name_and_the_attestation(sent):
    lmn, token = sent
    response = sign(token, lmn, signer_name="  ", attested="")
    assert response.status_code == 422
    page = response.content.decode()
    assert "This field is required" in page
    lmn.refresh_from_db()
    assert lmn.status == LmnStatus.AWAITING_SIGNATURE
    # The link still works: a mistake in the form does not use it up.
    assert sign(token, lmn).status_code == 200


def test_the_provider_signs_only_the_letter_they_reviewed(world_ready: World, sent):
    lmn, token = sent
    reviewed = lmn_unsigned_sha256(lmn)
    world_ready.dana.birth_date = dt.date(1971, 4, 10)  # the record changed meanwhile
    world_ready.dana.save()
    response = sign(token, lmn, document_sha256=reviewed)
    assert response.status_code == 422
    assert "not the one you reviewed" in response.content.decode()
    lmn.refresh_from_db()
    assert lmn.status == LmnStatus.AWAITING_SIGNATURE
    assert lmn_unsigned_sha256(lmn) in response.content.decode()  # the page shows the new one


def test_declining_needs_a_comment_then_returns_the_letter_and_tells_the_sender(
    world_ready: World, sent, mailoutbox
):
    lmn, token = sent
    url = reverse("lmns:sign_decline", args=[token])
    assert provider().post(url, {"comment": " "}).status_code == 422
    lmn.refresh_from_db()
    assert lmn.status == LmnStatus.AWAITING_SIGNATURE
    response = provider().post(url, {"comment": "Please add the HbA1c target."})
    assert response.status_code == 200
    lmn.refresh_from_db()
    assert lmn.status == LmnStatus.DRAFT
    assert lmn.decline_comment == "Please add the HbA1c target."
    assert mailoutbox[-1].to == [world_ready["admin"].user.email]
    assert "Please add the HbA1c target." in mailoutbox[-1].body
    assert provider().get(reverse("lmns:sign", args=[token])).status_code == 410


def test_a_scan_recorded_meanwhile_closes_the_link(world_ready: World, sent):
    from .conftest import scan_sign

    lmn, token = sent
    scan_sign(world_ready, lmn)
    before = state(lmn)
    response = sign(token, lmn)
    assert response.status_code == 410
    assert state(lmn) == before
    assert lmn.signature_method == "scan"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_signatures_at_once_sign_the_letter_once(world_ready: World, mailoutbox):
    """The link's row is locked while it is used: of two submissions racing
    each other, one signs and the other finds the link used."""
    import threading

    from django.db import connection, connections

    from fitclaim.lmns.services import LinkRefused, lmn_sign

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (run with DATABASE_URL=postgres://...)")
    lmn = draft_letter(world_ready)
    token = send(world_ready, lmn)
    lmn.refresh_from_db()
    reviewed = lmn_unsigned_sha256(lmn)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(name: str) -> None:
        try:
            barrier.wait()
            lmn_sign(
                token=token,
                signer_name=name,
                attested=True,
                document_sha256=reviewed,
                ip=None,
                user_agent="race",
            )
            outcomes.append("signed")
        except LinkRefused as refused:
            outcomes.append(refused.link.state)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("Ana Lee", "A. Lee")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["signed", "used"]
    assert StoredFile.objects.filter(purpose="lmn_signed_pdf").count() == 1
