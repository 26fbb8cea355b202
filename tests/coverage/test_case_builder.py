"""The case builder (NOTES.md, "From the database to an engine case"): which
sessions go in and how, paid and receipted as of a date, the trainers the case
names, settlements from the claims app, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fitclaim.clients.models import Client
from fitclaim.coverage import engine_ids
from fitclaim.coverage.case import build_case, client_case
from fitclaim.domain.case_checks import case_problems
from fitclaim.domain.engine import adjudicate
from fitclaim.payments.services import payment_record, receipt_issue_for_payment
from fitclaim.training.models import SessionStatus
from fitclaim.training.services import session_log

from .conftest import World, attended, days_ago, letter, many_sessions, today


def _ids(build: Any) -> list[str]:
    return [session["id"] for session in build.case["sessions"]]


def test_attended_sessions_are_incurred_and_scheduled_ones_ahead_are_future(
    world: World, admin: Any
) -> None:
    done = attended(world, admin, on=days_ago(10))
    ahead = session_log(
        by=admin,
        client=world.dana,
        trainer=world.sam,
        date=today() + dt.timedelta(days=5),
        code="S9451",
        charge="85.00",
    )
    build = build_case(client=world.dana, as_of=today())
    assert _ids(build) == [engine_ids.session_id(done.pk), engine_ids.session_id(ahead.pk)]
    assert build.case["sessions"][0] == {
        "id": engine_ids.session_id(done.pk),
        "date": days_ago(10).isoformat(),
        "trainer": engine_ids.trainer_id(world.sam.pk),
        "facility": None,
        "code": "S9451",
        "units": 1,
        "charge": "85.00",
        "paid": "85.00",
        "receipt": True,
    }
    result = adjudicate(build.case)
    assert result["sessions"][1] == {
        "id": engine_ids.session_id(ahead.pk),
        "date": (today() + dt.timedelta(days=5)).isoformat(),
        "excluded": "FUTURE_SESSION",
    }
    assert build.unrecorded == () and build.left_out == ()


def test_a_past_session_still_scheduled_stays_out_and_is_flagged(world: World, admin: Any) -> None:
    forgotten = attended(world, admin, on=days_ago(3), status=SessionStatus.SCHEDULED)
    todays = attended(world, admin, on=today(), status=SessionStatus.SCHEDULED)
    build = build_case(client=world.dana, as_of=today())
    assert _ids(build) == []
    assert [facts.id for facts in build.unrecorded] == [forgotten.pk, todays.pk]
    # Seen from a week earlier, the same session was still ahead.
    earlier = build_case(client=world.dana, as_of=days_ago(7))
    assert _ids(earlier) == [
        engine_ids.session_id(forgotten.pk),
        engine_ids.session_id(todays.pk),
    ]
    assert earlier.unrecorded == ()


def test_cancelled_and_no_show_sessions_stay_out(world: World, admin: Any) -> None:
    attended(world, admin, on=days_ago(4), status=SessionStatus.CANCELLED)
    attended(world, admin, on=days_ago(3), status=SessionStatus.NO_SHOW)
    build = build_case(client=world.dana, as_of=today())
    assert _ids(build) == []
    assert [facts.status for facts in build.left_out] == ["cancelled", "no_show"]
    assert build.unrecorded == ()


def test_paid_counts_payments_on_or_before_the_date_and_receipt_follows_the_receipt(
    world: World, admin: Any
) -> None:
    session = attended(world, admin, on=days_ago(30), paid=None)
    payment = payment_record(
        by=admin,
        client=world.dana,
        received_on=days_ago(20),
        amount="85.00",
        method="card",
        applications=[(session, "85.00")],
    )
    before = build_case(client=world.dana, as_of=days_ago(25)).case["sessions"][0]
    assert (before["paid"], before["receipt"]) == ("0.00", False)
    paid = build_case(client=world.dana, as_of=days_ago(1)).case["sessions"][0]
    assert (paid["paid"], paid["receipt"]) == ("85.00", False)
    receipt_issue_for_payment(by=admin, payment=payment)  # issued today
    receipted = build_case(client=world.dana, as_of=today()).case["sessions"][0]
    assert (receipted["paid"], receipted["receipt"]) == ("85.00", True)


def test_every_trainer_a_session_or_a_letter_names_is_in_the_case(world: World, admin: Any) -> None:
    letter(world, valid_from=days_ago(60), valid_to=today(), trainers=[world.sam, world.jo])
    attended(world, admin, on=days_ago(5))
    case = client_case(client=world.dana, as_of=today())
    assert case_problems(case) == []
    names = {trainer["id"]: trainer for trainer in case["trainers"]}
    assert set(names) == {
        engine_ids.trainer_id(world.sam.pk),
        engine_ids.trainer_id(world.jo.pk),
    }
    sam = names[engine_ids.trainer_id(world.sam.pk)]
    assert sam["name"] == "Sam Ortiz"
    assert [c["code"] for c in sam["credentials"]] == ["ACSM-CEP"]


def test_sessions_and_letters_name_a_facility_the_same_way(world: World, admin: Any) -> None:
    lmn = letter(world, valid_from=days_ago(60), valid_to=today())
    through = {"organization": world.riverbend}
    lmn.authorized_facilities.set([world.facility], through_defaults=through)
    at_studio = attended(world, admin, on=days_ago(5), facility=world.facility)
    elsewhere = attended(world, admin, on=days_ago(4))
    case = client_case(client=world.dana, as_of=today())
    assert case["sessions"][0]["facility"] == engine_ids.facility_id(world.facility.pk)
    result = adjudicate(case)
    by_id = {s["id"]: s for s in result["sessions"]}
    assert by_id[engine_ids.session_id(at_studio.pk)]["lmn"] == engine_ids.lmn_id(lmn.pk)
    # A session with no facility is authorized only by letters that name none.
    assert by_id[engine_ids.session_id(elsewhere.pk)]["lmn"] is None


def test_the_clients_preferences_go_in(world: World, admin: Any) -> None:
    from fitclaim.funding.models import FundingKind, FundingSource

    hsa = FundingSource.objects.create(
        organization=world.riverbend,
        client=world.dana,
        kind=FundingKind.HSA,
        name="HSA",
        established=dt.date(2024, 1, 1),
        balance=Decimal("500.00"),
    )
    default = client_case(client=world.dana, as_of=today())
    assert "priority" not in default and default["strategy"] == "maximize_now"
    Client.objects.filter(pk=world.dana.pk).update(
        priority=[hsa.pk, world.dana_fsa.pk], strategy="preserve_hsa"
    )
    chosen = client_case(client=world.dana, as_of=today())
    assert chosen["priority"] == [hsa.engine_id, world.dana_fsa.engine_id]
    assert chosen["strategy"] == "preserve_hsa"
    assert [s["id"] for s in chosen["sources"]] == [hsa.engine_id, world.dana_fsa.engine_id]


def test_settlements_come_from_the_claims_app(
    world: World, admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fitclaim.claims.selectors as claims

    letter(world, valid_from=days_ago(60), valid_to=today())
    session = attended(world, admin, on=days_ago(5))
    future = session_log(
        by=admin,
        client=world.dana,
        trainer=world.sam,
        date=today() + dt.timedelta(days=3),
        code="S9451",
        charge="85.00",
    )
    asked: list[tuple[Any, dt.date]] = []

    def settlements_for_case(*, client: Client, as_of: dt.date) -> dict[int, list[dict[str, str]]]:
        asked.append((client.pk, as_of))
        entry = {"source": world.dana_fsa.engine_id, "amount": "60.00"}
        # The cancelled or missing sessions of a claim do not reach the case.
        return {session.pk: [entry], 999_999: [entry]}

    monkeypatch.setattr(claims, "settlements_for_case", settlements_for_case)
    case = client_case(client=world.dana, as_of=today())
    assert asked == [(world.dana.pk, today())]
    fsa = world.dana_fsa.engine_id
    assert case["sessions"][0]["settled"] == [{"source": fsa, "amount": "60.00"}]
    assert "settled" not in case["sessions"][1]
    assert future.pk != session.pk
    decision = adjudicate(case)["sessions"][0]["decisions"][0]
    assert decision == {"source": world.dana_fsa.engine_id, "status": "settled", "amount": "60.00"}


def test_without_the_claims_function_there_are_no_settlements(
    world: World, admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fitclaim.claims.selectors as claims

    monkeypatch.delattr(claims, "settlements_for_case", raising=False)
    attended(world, admin, on=days_ago(5))
    assert "settled" not in client_case(client=world.dana, as_of=today())["sessions"][0]


def test_the_callers_client_is_left_alone(world: World, admin: Any) -> None:
    dana = Client.objects.get(pk=world.dana.pk)
    build_case(client=dana, as_of=today())
    assert not getattr(dana, "_prefetched_objects_cache", {})


def test_the_case_takes_the_same_queries_for_10_and_200_sessions(world: World) -> None:
    letter(world, valid_from=days_ago(800), valid_to=today(), trainers=[world.sam])
    counts = []
    for total in (10, 200):
        many_sessions(world, total - ((counts and 10) or 0), offset=len(counts) * 400)
        with CaptureQueriesContext(connection) as captured:
            case = client_case(client=world.dana, as_of=today())
        assert len(case["sessions"]) == total
        assert all(s["receipt"] and s["paid"] == "85.00" for s in case["sessions"])
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
