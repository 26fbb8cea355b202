"""The bridge to the engine: every letter and pre-authorization becomes an
entry the engine accepts, and it reads them as NOTES.md says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fitclaim.clients.selectors import client_engine_input
from fitclaim.domain.case_checks import case_problems
from fitclaim.domain.engine import adjudicate
from fitclaim.funding.models import FundingSource
from fitclaim.funding.selectors import funding_source_engine_input
from fitclaim.lmns.models import Lmn, LmnStatus
from fitclaim.lmns.selectors import lmn_engine_input, lmn_engine_inputs
from fitclaim.preauths.models import PreauthStatus
from fitclaim.preauths.selectors import preauth_engine_input, preauth_engine_inputs
from fitclaim.preauths.services import preauth_create, preauth_record_answer
from fitclaim.trainers.selectors import trainer_engine_input

from .conftest import TODAY, World, draft_letter, letter_in


def case(world: World, *, lmns: list[dict], preauths: list[dict] = (), sessions=()) -> dict:
    insurance = FundingSource.objects.get(client=world.dana, kind="insurance")
    return {
        "as_of": TODAY().isoformat(),
        "client": client_engine_input(world.dana),
        "trainers": [trainer_engine_input(world.sam), trainer_engine_input(world.jo)],
        "lmns": lmns,
        "preauthorizations": list(preauths),
        "sources": [funding_source_engine_input(insurance)],
        "sessions": list(sessions),
    }


@pytest.mark.parametrize("status", list(LmnStatus))
def test_a_letter_in_any_status_is_a_valid_engine_entry(world_ready: World, status: str):
    lmn = letter_in(world_ready, status)
    if status == LmnStatus.REVOKED:  # revoked after it started, so it counted for a while
        Lmn.objects.filter(pk=lmn.pk).update(valid_from=TODAY() - dt.timedelta(days=30))
        lmn.refresh_from_db()
    entry = lmn_engine_input(lmn)
    assert entry is not None
    assert entry["id"] == f"lmn-{lmn.pk}"
    assert case_problems(case(world_ready, lmns=[entry])) == []


def test_signed_letters_carry_signed_on_whatever_their_status_now(world_ready: World):
    for status in (LmnStatus.SIGNED, LmnStatus.EXPIRED, LmnStatus.SUPERSEDED):
        entry = lmn_engine_input(letter_in(world_ready, status))
        assert entry["signed_on"]
    for status in (LmnStatus.DRAFT, LmnStatus.AWAITING_SIGNATURE):
        assert "signed_on" not in lmn_engine_input(letter_in(world_ready, status))


def test_a_revoked_letter_ends_the_day_before_it_was_revoked(world_ready: World):
    lmn = letter_in(world_ready, LmnStatus.SIGNED)
    Lmn.objects.filter(pk=lmn.pk).update(valid_from=TODAY() - dt.timedelta(days=30))
    lmn.refresh_from_db()
    from fitclaim.lmns.services import lmn_revoke

    revoked = lmn_revoke(by=world_ready["admin"].actor(), lmn=lmn, reason="withdrawn")
    entry = lmn_engine_input(revoked)
    assert entry["valid_to"] == (TODAY() - dt.timedelta(days=1)).isoformat()
    assert entry["signed_on"]


def test_a_letter_revoked_before_its_first_day_has_no_place_in_a_case(world_ready: World):
    lmn = letter_in(world_ready, LmnStatus.REVOKED)  # valid from today, revoked today
    assert lmn_engine_input(lmn) is None


def test_the_entry_names_trainers_and_facilities_as_the_case_does(world_ready: World):
    lmn = draft_letter(world_ready)
    entry = lmn_engine_input(lmn)
    assert entry["authorized_trainers"] == [trainer_engine_input(world_ready.sam)["id"]]
    assert entry["authorized_facilities"] == [f"fac-{world_ready.facility.pk}"]
    assert entry["issuer"] == {"kind": "physician", "name": "Dr. Ana Lee, MD", "npi": "1245319599"}
    assert entry["plan"] == (
        "Supervised resistance and aerobic training, 2x/week, 60 min, Moderate, RPE 11-13"
    )
    assert entry["sessions_authorized"] == 48


def test_a_draft_without_dates_or_provider_has_no_place_in_a_case(world_ready: World):
    lmn = draft_letter(world_ready, provider_id=None)
    assert lmn_engine_input(lmn) is None
    assert lmn_engine_inputs(world_ready.dana) == []


def preauth(world: World, status: str, **answer: Any):
    insurance = FundingSource.objects.get(client=world.dana, kind="insurance")
    admin = world["admin"].actor()
    created = preauth_create(
        by=admin,
        client=world.dana,
        data={
            "source_id": insurance.pk,
            "requested_on": TODAY(),
            "requested_sessions": 24,
            "requested_from": TODAY(),
            "requested_to": TODAY() + dt.timedelta(days=90),
            "service_codes": ["S9451"],
        },
    )
    if status == PreauthStatus.PENDING:
        return created
    return preauth_record_answer(by=admin, preauth=created, status=status, **answer)


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (PreauthStatus.PENDING, {}),
        (PreauthStatus.APPROVED, {"approved_sessions": 20, "reference": "PA-1"}),
        (PreauthStatus.DENIED, {"reference": "DN-1"}),
    ],
)
def test_a_preauthorization_in_any_status_is_a_valid_engine_entry(
    world_ready: World, status: str, answer: dict
):
    entry = preauth_engine_input(preauth(world_ready, status, **answer))
    insurance = FundingSource.objects.get(client=world_ready.dana, kind="insurance")
    assert entry["source"] == insurance.engine_id
    assert entry["status"] == status
    assert case_problems(case(world_ready, lmns=[], preauths=[entry])) == []


def test_the_engine_reads_an_unsigned_letter_as_get_it_signed(world_ready: World):
    lmn = letter_in(world_ready, LmnStatus.AWAITING_SIGNATURE)
    Lmn.objects.filter(pk=lmn.pk).update(valid_from=TODAY() - dt.timedelta(days=10))
    session = {
        "id": "s1",
        "date": (TODAY() - dt.timedelta(days=3)).isoformat(),
        "trainer": trainer_engine_input(world_ready.sam)["id"],
        "facility": f"fac-{world_ready.facility.pk}",
        "code": "S9451",
        "charge": "85.00",
        "paid": "85.00",
        "receipt": True,
    }
    pa = preauth(
        world_ready,
        PreauthStatus.APPROVED,
        approved_sessions=10,
        valid_from=TODAY() - dt.timedelta(days=30),
    )
    result = adjudicate(
        case(
            world_ready,
            lmns=lmn_engine_inputs(world_ready.dana),
            preauths=preauth_engine_inputs(world_ready.dana),
            sessions=[session],
        )
    )
    assert result["actions"] == [{"code": "LMN_NOT_SIGNED", "sessions": ["s1"]}]
    assert pa.pk
