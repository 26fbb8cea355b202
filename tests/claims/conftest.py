"""Claims: the records world (tests/records/conftest.py) with what a claim
needs. Riverbend has its address, EIN and group NPI; Dana Reyes has a signed
letter (a wet-signed scan by Dr. Ana Lee) valid from 120 days ago, an FSA, and
attended sessions she paid for, each with its itemized receipt. `Money`
helpers add an insurance plan, a wellness program or an HSA."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from fitclaim.claims.models import Claim
from fitclaim.claims.services import claim_build, claim_mark_ready, claim_submit
from fitclaim.funding.models import FundingKind, FundingSource
from fitclaim.lmns.models import Lmn
from fitclaim.lmns.services import lmn_create, lmn_upload_signed_scan
from fitclaim.payments.services import payment_record, receipt_issue_for_payment
from fitclaim.training.models import SessionStatus, TrainingSession
from tests.records.conftest import World, fast_password_hashing, world  # noqa: F401

BILLING_NPI = "1558412340"
TRAINER_NPI = "1245319599"


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def png(width: int = 40, height: int = 30) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Money:
    """The claims world: Riverbend ready to bill, Dana with a signed letter,
    an FSA and paid, receipted sessions."""

    w: World
    lmn: Lmn
    fsa: FundingSource
    sessions: list[TrainingSession] = field(default_factory=list)

    @property
    def admin(self) -> Any:
        return self.w["admin"].actor()

    @property
    def dana(self) -> Any:
        return self.w.dana

    def session(
        self,
        *,
        on: dt.date,
        charge: str = "85.00",
        paid: str | None = None,
        code: str = "S9451",
        client: Any = None,
        trainer: Any = None,
        receipt: bool = True,
    ) -> TrainingSession:
        """An attended session paid (in full unless `paid` says otherwise) on
        its date, with the payment's itemized receipt."""
        client = client or self.w.dana
        session = TrainingSession.objects.create(
            organization=client.organization,
            client=client,
            trainer=trainer or self.w.sam,
            date=on,
            start_time=dt.time(7, 0),
            code=code,
            charge=Decimal(charge),
            status=SessionStatus.ATTENDED,
        )
        amount = paid or charge
        if Decimal(amount) > 0:
            payment = payment_record(
                by=self.admin,
                client=client,
                received_on=on,
                amount=amount,
                method="card",
                applications=[(session.pk, amount)],
            )
            if receipt:
                receipt_issue_for_payment(by=self.admin, payment=payment)
        session.refresh_from_db()
        self.sessions.append(session)
        return session

    def source(self, kind: str, name: str, **values: Any) -> FundingSource:
        defaults: dict[str, Any] = {
            "period_start": days_ago(200),
            "period_end": today() + dt.timedelta(days=160),
        }
        if kind == FundingKind.INSURANCE:
            defaults |= {
                "payer_name": "Acme Health",
                "member_id": "ACM884120931",
                "claim_address": "Acme Health Claims\nPO Box 4410\nPortland, OR 97208",
                "order": 1,
                "covers_training": True,
                "requires_lmn": True,
                "requires_preauthorization": False,
                "allowed_per_session": Decimal("70.00"),
                "deductible": Decimal("0.00"),
                "deductible_met": Decimal("0.00"),
                "copay": Decimal("20.00"),
                "coinsurance": Decimal("0.2"),
                "timely_filing_days": 180,
            }
        elif kind == FundingKind.WELLNESS:
            defaults |= {
                "payer_name": "Employer wellness program",
                "member_id": "WELL-DANA",
                "annual_cap": Decimal("300.00"),
                "rate": Decimal("0.5"),
                "claim_deadline_days": 60,
                "requires_lmn": False,
            }
        elif kind == FundingKind.HSA:
            defaults = {
                "payer_name": "Fidelity HSA",
                "member_id": "HSA-REYES",
                "established": days_ago(700),
                "balance": Decimal("1500.00"),
            }
        return FundingSource.objects.create(
            organization=self.w.riverbend,
            client=self.w.dana,
            kind=kind,
            name=name,
            **(defaults | values),
        )

    def insurance(self, **values: Any) -> FundingSource:
        return self.source(FundingKind.INSURANCE, "Acme Health PPO", **values)

    def build(self, source: FundingSource, **kwargs: Any) -> Claim:
        return claim_build(by=self.admin, client=self.w.dana, source=source, **kwargs)

    def submitted(self, source: FundingSource, **kwargs: Any) -> Claim:
        """A claim built, ready and submitted (by portal, today)."""
        claim = self.build(source, **kwargs)
        if claim.kind == FundingKind.INSURANCE:
            claim.payer_id = "ACME1"
            claim.save(update_fields=["payer_id"])
        claim = claim_mark_ready(by=self.admin, claim=claim)
        channel = "portal"
        return claim_submit(by=self.admin, claim=claim, submitted_on=today(), channel=channel)


def signed_letter(w: World, **changes: Any) -> Lmn:
    admin = w["admin"].actor()
    data = {
        "necessity_statement": (
            "Dana Reyes is under my care for obesity and type 2 diabetes. Supervised exercise "
            "training treats these conditions and would not be incurred but for them."
        ),
        "exercise_kind": "Supervised resistance and aerobic training",
        "sessions_per_week": 2,
        "minutes_per_session": 60,
        "intensity": "Moderate, RPE 11-13",
        "goals": "Lose 7% of body weight",
        "sessions_authorized": 48,
        "provider_id": w.provider.pk,
        "trainer_ids": [w.sam.pk],
        "facility_ids": [],
        "valid_from": days_ago(120),
        "valid_to": today() + dt.timedelta(days=240),
        **changes,
    }
    lmn = lmn_create(by=admin, client=w.dana, data=data)
    return lmn_upload_signed_scan(
        by=admin,
        lmn=lmn,
        content=png(),
        name="signed-letter.png",
        signer_name="Ana Lee",
        signed_on=days_ago(120),
    )


def prepare_world(w: World) -> None:
    """What every claim needs from the records: the organization's billing
    details, the provider's credentials, Dana's address and birth date."""
    w.riverbend.address = "415 River Road, Suite 200\nSalem, OR 97301"
    w.riverbend.tax_id = "93-1234567"
    w.riverbend.group_npi = BILLING_NPI
    w.riverbend.phone = "(503) 555-0140"
    w.riverbend.save()
    w.provider.credentials = "MD"
    w.provider.email = "ana.lee@clinic.example"
    w.provider.save()
    w.dana.address = "27 Elm St\nSalem, OR 97302"
    w.dana.save()
    w.dana_fsa.period_start = days_ago(200)
    w.dana_fsa.period_end = today() + dt.timedelta(days=160)
    w.dana_fsa.member_id = "FSA-REYES2026"
    w.dana_fsa.payer_name = "WageWorks"
    w.dana_fsa.claim_address = "WageWorks Claims\nPO Box 14053\nLexington, KY 40512"
    w.dana_fsa.save()


@pytest.fixture
def money(world: World) -> Money:  # noqa: F811
    prepare_world(world)
    lmn = signed_letter(world)
    return Money(w=world, lmn=lmn, fsa=world.dana_fsa)


@pytest.fixture
def two_paid(money: Money) -> Money:
    """Dana with two paid, receipted sessions, 20 and 10 days ago."""
    money.session(on=days_ago(20))
    money.session(on=days_ago(10))
    return money
