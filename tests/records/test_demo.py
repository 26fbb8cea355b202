"""`fitclaim demo`: the demo organizations, built relative to a date, and
idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from fitclaim.accounts.models import Membership, Organization, Role, User
from fitclaim.audit.models import AuditEvent
from fitclaim.clients.demo import DEMO_PASSWORD, NORTHSIDE, RIVERBEND
from fitclaim.clients.models import Client
from fitclaim.domain.codes import icd10_problem, npi_problem
from fitclaim.facilities.models import Facility
from fitclaim.funding.models import FundingSource
from fitclaim.funding.selectors import funding_source_engine_input
from fitclaim.providers.models import Provider
from fitclaim.trainers.models import Credential, Trainer

AS_OF = dt.date(2026, 7, 31)
MODELS = (
    Organization,
    User,
    Membership,
    Client,
    Trainer,
    Credential,
    Provider,
    Facility,
    FundingSource,
    AuditEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo(db: None) -> str:
    out = StringIO()
    call_command("demo", "--as-of", AS_OF.isoformat(), stdout=out)
    return out.getvalue()


def test_running_the_demo_twice_changes_nothing(demo: str) -> None:
    first = counts()
    out = StringIO()
    call_command("demo", "--as-of", AS_OF.isoformat(), stdout=out)
    assert counts() == first
    assert "nothing to create" in out.getvalue()


def test_riverbend_has_twelve_clients_and_northside_one(demo: str) -> None:
    assert Client.objects.filter(organization__name=RIVERBEND).count() == 12
    assert Client.objects.filter(organization__name=NORTHSIDE).count() == 1


def test_every_demo_user_signs_in_with_the_demo_password(demo: str) -> None:
    from fitclaim.web.demo_accounts import DEMO_ACCOUNTS

    for _role, email in DEMO_ACCOUNTS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD), email


def test_dana_has_a_portal_login_to_her_own_record(demo: str) -> None:
    membership = Membership.objects.get(user__email="dana.reyes@example.com")
    assert membership.role == Role.CLIENT
    assert membership.client.name == "Dana Reyes"


def test_jo_kims_credential_expires_within_sixty_days_and_sams_does_not(demo: str) -> None:
    jo = Credential.objects.get(trainer__name="Jo Kim", code="NASM-CES")
    sam = Credential.objects.get(trainer__name="Sam Ortiz", code="ACSM-CEP")
    assert jo.expires_soon(AS_OF)
    assert not sam.expires_soon(AS_OF) and not sam.is_expired(AS_OF)


def test_demo_codes_and_npis_are_valid(demo: str) -> None:
    for client in Client.objects.all():
        assert client.conditions, client
        assert [icd10_problem(code) for code in client.conditions] == [None] * len(
            client.conditions
        )
    for npi in [
        *Provider.objects.values_list("npi", flat=True),
        *Organization.objects.values_list("group_npi", flat=True),
    ]:
        assert npi_problem(npi) is None, npi
    kinds = set(Provider.objects.values_list("kind", flat=True))
    assert kinds == {"physician", "nurse_practitioner", "chiropractor"}


def test_every_demo_source_is_a_valid_engine_source(demo: str) -> None:
    from fitclaim.domain.case_checks import case_problems

    for client in Client.objects.prefetch_related("funding_sources"):
        sources = [funding_source_engine_input(s) for s in client.funding_sources.all()]
        assert sources, client
        case = {"as_of": AS_OF.isoformat(), "client": {"id": "c"}, "sources": sources}
        assert case_problems(case) == [], client


def test_the_demo_follows_its_date(db: None) -> None:
    call_command("demo", "--as-of", "2030-03-01", stdout=StringIO())
    fsa = FundingSource.objects.filter(kind="fsa").first()
    assert (fsa.period_start, fsa.period_end) == (dt.date(2030, 1, 1), dt.date(2030, 12, 31))
    assert Credential.objects.get(trainer__name="Jo Kim").expires == dt.date(2030, 4, 15)
