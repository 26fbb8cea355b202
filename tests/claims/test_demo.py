"""The demo claims: every status, one paid by an imported 835, one denied with
an appeal drafted; built relative to a date, and loading twice creates nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from fitclaim.accounts.models import Organization
from fitclaim.claims.demo import load_claims_demo
from fitclaim.claims.models import Claim, EraImport
from fitclaim.clients.demo import RIVERBEND, demo_load
from fitclaim.domain.claim_lifecycle import ClaimStatus

# Claims are built as of today (the receipts they rely on are issued today), so
# the demo is loaded as of today too.
AS_OF = dt.date.today()


@pytest.fixture
def riverbend(db, settings) -> Organization:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load(as_of=AS_OF)
    return Organization.objects.get(name=RIVERBEND)


def test_the_demo_has_a_claim_in_every_status(riverbend: Organization) -> None:
    # The demo loader has created them; loading them again creates nothing.
    assert Claim.objects.filter(organization=riverbend).count() == 9
    assert EraImport.objects.count() == 1
    assert sum(load_claims_demo(organization=riverbend, as_of=AS_OF).values()) == 0
    statuses = {claim.status for claim in Claim.objects.all()}
    assert statuses == {status.value for status in ClaimStatus}
    era = EraImport.objects.get()
    (paid_by_835,) = Claim.objects.filter(answers__era=era)
    assert paid_by_835.status == "paid" and paid_by_835.client.name == "Kevin O'Brien"
    denied = Claim.objects.get(status="denied")
    assert denied.appeals.get().sent_on is None
    assert "medical necessity" in denied.appeals.get().body


def test_loading_the_demo_twice_creates_nothing(riverbend: Organization) -> None:
    load_claims_demo(organization=riverbend, as_of=AS_OF)
    count = Claim.objects.count()
    assert load_claims_demo(organization=riverbend, as_of=AS_OF) == {}
    assert Claim.objects.count() == count
