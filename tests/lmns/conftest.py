"""Letters and pre-authorizations: the records world (tests/records/conftest.py)
plus a complete draft letter for Dana, written by Dr. Ana Lee, and helpers to
move a letter along its lifecycle through the services."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.utils import timezone

from fitclaim.funding.models import FundingKind, FundingSource
from fitclaim.lmns.models import Lmn, LmnStatus
from fitclaim.lmns.services import (
    lmn_create,
    lmn_expire_due,
    lmn_renew,
    lmn_send_for_signature,
    lmn_upload_signed_scan,
)
from tests.records.conftest import World, fast_password_hashing, world  # noqa: F401

TODAY = timezone.localdate


def png_bytes() -> bytes:
    """A small real PNG, as a phone scan would be."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


LETTER_DATA: dict[str, Any] = {
    "necessity_statement": (
        "Dana Reyes is under my care for obesity and type 2 diabetes. Supervised exercise "
        "training treats these conditions and would not be incurred but for them."
    ),
    "exercise_kind": "Supervised resistance and aerobic training",
    "sessions_per_week": 2,
    "minutes_per_session": 60,
    "intensity": "Moderate, RPE 11-13",
    "precautions": "Check blood glucose before sessions",
    "goals": "Lose 7% of body weight; HbA1c below 7%",
    "sessions_authorized": 48,
}


@pytest.fixture
def world_ready(world: World) -> World:  # noqa: F811
    """The world with what letters need: the provider's credentials and email,
    the trainers' and Dana's emails, and Dana's insurance plan."""
    world.provider.credentials = "MD"
    world.provider.email = "ana.lee@clinic.example"
    world.provider.save()
    world.sam.email = "sam@riverbend.test"
    world.sam.save()
    world.jo.email = "jo@riverbend.test"
    world.jo.save()
    world.dana.email = "dana@example.test"
    world.dana.save()
    FundingSource.objects.create(
        organization=world.riverbend,
        client=world.dana,
        kind=FundingKind.INSURANCE,
        name="Acme Health PPO",
        payer_name="Acme Health",
        member_id="ACM884120931",
        claim_address="Acme Health Claims\nPO Box 4410\nPortland, OR 97208",
        order=1,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        requires_preauthorization=True,
        covered_codes=["S9451", "97110"],
    )
    return world


def draft_letter(w: World, **changes: Any) -> Lmn:
    """A complete draft for Dana (valid from today for twelve months)."""
    data = {
        **LETTER_DATA,
        "provider_id": w.provider.pk,
        "trainer_ids": [w.sam.pk],
        "facility_ids": [w.facility.pk],
        "reexamination_date": TODAY() + dt.timedelta(days=180),
        **changes,
    }
    return lmn_create(by=w["admin"].actor(), client=w.dana, data=data)


@pytest.fixture
def letter(world_ready: World) -> Lmn:
    return draft_letter(world_ready)


def send(w: World, lmn: Lmn) -> str:
    """Send the letter for signature; the token of the link."""
    _request, token = lmn_send_for_signature(by=w["admin"].actor(), lmn=lmn)
    return token


def token_from_email(message: Any) -> str:
    match = re.search(r"/sign/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def scan_sign(w: World, lmn: Lmn, signed_on: dt.date | None = None) -> Lmn:
    return lmn_upload_signed_scan(
        by=w["admin"].actor(),
        lmn=lmn,
        content=png_bytes(),
        name="scan.png",
        signer_name="Ana Lee",
        signed_on=signed_on or TODAY(),
    )


def letter_in(w: World, status: str) -> Lmn:
    """A letter of Dana in the given status, reached through the services."""
    admin = w["admin"].actor()
    if status == LmnStatus.DRAFT:
        return draft_letter(w)
    if status == LmnStatus.AWAITING_SIGNATURE:
        lmn = draft_letter(w)
        send(w, lmn)
        return Lmn.objects.get(pk=lmn.pk)
    if status == LmnStatus.SIGNED:
        return scan_sign(w, draft_letter(w))
    if status == LmnStatus.EXPIRED:
        start = TODAY() - dt.timedelta(days=400)
        lmn = draft_letter(w, valid_from=start, valid_to=start + dt.timedelta(days=364))
        scan_sign(w, lmn, signed_on=start)
        lmn_expire_due(today=TODAY())
        return Lmn.objects.get(pk=lmn.pk)
    if status == LmnStatus.REVOKED:
        from fitclaim.lmns.services import lmn_revoke

        return lmn_revoke(by=admin, lmn=scan_sign(w, draft_letter(w)), reason="error")
    if status == LmnStatus.SUPERSEDED:
        old = scan_sign(w, draft_letter(w))
        renewal = lmn_renew(by=admin, lmn=old)
        scan_sign(w, renewal)
        return Lmn.objects.get(pk=old.pk)
    raise ValueError(status)
