"""The letter lifecycle through the services: every allowed transition
happens, every refused one is refused with a clear message and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fitclaim.audit.models import AuditEvent
from fitclaim.lmns.models import Lmn, LmnSignatureRequest, LmnStatus
from fitclaim.lmns.selectors import lmn_unsigned_sha256
from fitclaim.lmns.services import (
    lmn_cancel_signature_request,
    lmn_decline,
    lmn_expire_due,
    lmn_renew,
    lmn_revoke,
    lmn_send_for_signature,
    lmn_sign,
    lmn_update,
    lmn_upload_signed_scan,
)

from .conftest import TODAY, World, draft_letter, letter_in, png_bytes, scan_sign, send

S = LmnStatus


def admin(world: World):
    return world["admin"].actor()


OPERATIONS = {
    "send": lambda w, lmn: lmn_send_for_signature(by=admin(w), lmn=lmn),
    "cancel": lambda w, lmn: lmn_cancel_signature_request(by=admin(w), lmn=lmn),
    "scan": lambda w, lmn: lmn_upload_signed_scan(
        by=admin(w),
        lmn=lmn,
        content=png_bytes(),
        name="scan.png",
        signer_name="Ana Lee",
        signed_on=TODAY(),
    ),
    "revoke": lambda w, lmn: lmn_revoke(by=admin(w), lmn=lmn, reason="issued in error"),
    "renew": lambda w, lmn: lmn_renew(by=admin(w), lmn=lmn),
    "edit": lambda w, lmn: lmn_update(by=admin(w), lmn=lmn, data={"goals": "New goals"}),
}

# (status, operation) -> the status the letter has afterwards; absent: refused.
ALLOWED = {
    (S.DRAFT, "send"): S.AWAITING_SIGNATURE,
    (S.DRAFT, "scan"): S.SIGNED,
    (S.DRAFT, "edit"): S.DRAFT,
    (S.AWAITING_SIGNATURE, "cancel"): S.DRAFT,
    (S.AWAITING_SIGNATURE, "scan"): S.SIGNED,
    (S.SIGNED, "revoke"): S.REVOKED,
    (S.SIGNED, "renew"): S.SIGNED,  # the old one stays in force until the renewal is signed
    (S.EXPIRED, "renew"): S.EXPIRED,
}
REFUSED = sorted(
    (status, operation)
    for status in S
    for operation in OPERATIONS
    if (status, operation) not in ALLOWED
)


@pytest.mark.parametrize(("status", "operation"), sorted(ALLOWED))
def test_allowed_operation_moves_the_letter(world_ready: World, status: str, operation: str):
    lmn = letter_in(world_ready, status)
    OPERATIONS[operation](world_ready, lmn)
    lmn.refresh_from_db()
    assert lmn.status == ALLOWED[(status, operation)]


@pytest.mark.parametrize(("status", "operation"), REFUSED)
def test_refused_operation_says_why_and_changes_nothing(
    world_ready: World, status: str, operation: str
):
    lmn = letter_in(world_ready, status)
    before = Lmn.objects.filter(client=world_ready.dana).values().order_by("pk")
    before = [dict(row, updated_at=None) for row in before]
    events = AuditEvent.objects.count()
    links = list(LmnSignatureRequest.objects.values())
    with pytest.raises(ValidationError) as refused:
        OPERATIONS[operation](world_ready, lmn)
    assert " ".join(refused.value.messages)
    after = [
        dict(row, updated_at=None)
        for row in Lmn.objects.filter(client=world_ready.dana).values().order_by("pk")
    ]
    assert after == before
    assert AuditEvent.objects.count() == events
    assert list(LmnSignatureRequest.objects.values()) == links


def test_signed_letter_cannot_be_edited_and_is_told_to_renew(world_ready: World):
    lmn = letter_in(world_ready, S.SIGNED)
    with pytest.raises(ValidationError, match="renew"):
        lmn_update(by=admin(world_ready), lmn=lmn, data={"goals": "x"})


def test_provider_signing_moves_awaiting_to_signed(world_ready: World):
    lmn = draft_letter(world_ready)
    token = send(world_ready, lmn)
    lmn.refresh_from_db()
    signed = lmn_sign(
        token=token,
        signer_name="Ana Lee",
        attested=True,
        document_sha256=lmn_unsigned_sha256(lmn),
        ip="198.51.100.7",
        user_agent="test-browser",
    )
    assert signed.status == S.SIGNED
    assert signed.signed_on == TODAY()


def test_provider_declining_moves_awaiting_back_to_draft_with_the_comment(world_ready: World):
    lmn = draft_letter(world_ready)
    token = send(world_ready, lmn)
    declined = lmn_decline(token=token, comment="Add the HbA1c target.", ip=None, user_agent="")
    assert declined.status == S.DRAFT
    assert declined.decline_comment == "Add the HbA1c target."
    assert declined.is_declined
    assert declined.display_status(TODAY()) == "declined"


def test_signed_letter_expires_after_its_last_day(world_ready: World):
    lmn = scan_sign(world_ready, draft_letter(world_ready))
    assert lmn_expire_due(today=lmn.valid_to) == 0
    assert lmn_expire_due(today=lmn.valid_to + dt.timedelta(days=1)) == 1
    lmn.refresh_from_db()
    assert lmn.status == S.EXPIRED
    assert lmn_expire_due(today=lmn.valid_to + dt.timedelta(days=2)) == 0


@pytest.mark.parametrize("old_status", [S.SIGNED, S.EXPIRED])
def test_signing_a_renewal_supersedes_the_letter_it_renews(world_ready: World, old_status: str):
    old = letter_in(world_ready, old_status)
    renewal = lmn_renew(by=admin(world_ready), lmn=old)
    assert renewal.status == S.DRAFT and renewal.version == old.version + 1
    assert renewal.supersedes_id == old.pk
    scan_sign(world_ready, renewal)
    old.refresh_from_db()
    assert old.status == S.SUPERSEDED


def test_a_letter_is_renewed_once(world_ready: World):
    old = letter_in(world_ready, S.SIGNED)
    renewal = lmn_renew(by=admin(world_ready), lmn=old)
    with pytest.raises(ValidationError, match=renewal.reference):
        lmn_renew(by=admin(world_ready), lmn=old)


def test_sending_again_replaces_the_earlier_link(world_ready: World):
    lmn = draft_letter(world_ready)
    send(world_ready, lmn)
    lmn_cancel_signature_request(by=admin(world_ready), lmn=lmn)
    send(world_ready, lmn)
    links = LmnSignatureRequest.objects.filter(lmn=lmn).order_by("pk")
    assert [link.revoked_at is not None for link in links] == [True, False]


def test_an_incomplete_letter_cannot_be_sent(world_ready: World):
    lmn = draft_letter(world_ready, exercise_kind="", sessions_per_week=None)
    with pytest.raises(ValidationError) as refused:
        lmn_send_for_signature(by=admin(world_ready), lmn=lmn)
    assert set(refused.value.message_dict) == {"exercise_kind", "sessions_per_week"}
    lmn.refresh_from_db()
    assert lmn.status == S.DRAFT
