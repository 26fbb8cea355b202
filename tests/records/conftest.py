"""Personas and records for the records tests.

Riverbend has an admin, a billing clerk, two trainers (Sam, assigned to Dana;
Jo, assigned to Marcus) and two client-portal users (Dana herself, and Marcus,
"another client"). Northside is another organization with its own admin and
client, who must never see anything of Riverbend's and vice versa.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Membership, Organization, Role, User
from fitclaim.accounts.services import membership_create, user_create
from fitclaim.clients.models import Client
from fitclaim.facilities.models import Facility
from fitclaim.funding.models import FundingKind, FundingSource
from fitclaim.providers.models import Provider, ProviderKind
from fitclaim.trainers.models import Credential, Trainer

PASSWORD = "Correct-horse-battery-9"
VALID_NPI = "1245319599"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    # Argon2 is deliberately slow; these tests are about records, not hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@dataclass
class Persona:
    name: str
    user: User | None
    membership: Membership | None

    def actor(self, *, via: str = "web") -> Actor:
        assert self.user is not None and self.membership is not None
        return Actor(user=self.user, membership=self.membership, ip="127.0.0.1", via=via)

    def http(self) -> HttpClient:
        """A test client signed in as this persona (anonymous: not signed in)."""
        client = HttpClient()
        if self.user is not None:
            client.force_login(self.user)
        return client


def make_persona(
    name: str, org: Organization, email: str, role: str, client: Client | None = None
) -> Persona:
    user = user_create(email=email, password=PASSWORD)
    membership = membership_create(
        actor=None, organization=org, user=user, role=role, client=client
    )
    return Persona(name=name, user=user, membership=membership)


@dataclass
class World:
    riverbend: Organization
    northside: Organization
    sam: Trainer
    jo: Trainer
    dana: Client
    marcus: Client
    riley: Client
    dana_fsa: FundingSource
    provider: Provider
    facility: Facility
    personas: dict[str, Persona]

    def __getitem__(self, name: str) -> Persona:
        return self.personas[name]


PERSONAS = (
    "admin",
    "billing",
    "trainer_assigned",
    "trainer_not_assigned",
    "client_self",
    "another_client",
    "other_org_admin",
    "anonymous",
)


@pytest.fixture
def world(db: None) -> World:
    riverbend = Organization.objects.create(name="Riverbend Medical Fitness")
    northside = Organization.objects.create(name="Northside Physio")
    dana = Client.objects.create(
        organization=riverbend,
        first_name="Dana",
        last_name="Reyes",
        birth_date=dt.date(1971, 4, 9),
        conditions=["E66.812", "E11.9"],
    )
    marcus = Client.objects.create(
        organization=riverbend, first_name="Marcus", last_name="Bell", conditions=["I25.10"]
    )
    riley = Client.objects.create(
        organization=northside, first_name="Riley", last_name="Chen", conditions=["M54.50"]
    )
    personas = {
        "admin": make_persona("admin", riverbend, "admin@riverbend.test", Role.ADMIN),
        "billing": make_persona("billing", riverbend, "billing@riverbend.test", Role.BILLING),
        "trainer_assigned": make_persona(
            "trainer_assigned", riverbend, "sam@riverbend.test", Role.TRAINER
        ),
        "trainer_not_assigned": make_persona(
            "trainer_not_assigned", riverbend, "jo@riverbend.test", Role.TRAINER
        ),
        "client_self": make_persona(
            "client_self", riverbend, "dana@example.test", Role.CLIENT, dana
        ),
        "another_client": make_persona(
            "another_client", riverbend, "marcus@example.test", Role.CLIENT, marcus
        ),
        "other_org_admin": make_persona(
            "other_org_admin", northside, "admin@northside.test", Role.ADMIN
        ),
        "anonymous": Persona(name="anonymous", user=None, membership=None),
    }
    sam = Trainer.objects.create(
        organization=riverbend, name="Sam Ortiz", user=personas["trainer_assigned"].user
    )
    jo = Trainer.objects.create(
        organization=riverbend, name="Jo Kim", user=personas["trainer_not_assigned"].user
    )
    Credential.objects.create(
        organization=riverbend,
        trainer=sam,
        code="ACSM-CEP",
        expires=dt.date.today() + dt.timedelta(days=400),
    )
    dana.trainers.set([sam])
    marcus.trainers.set([jo])
    dana_fsa = FundingSource.objects.create(
        organization=riverbend,
        client=dana,
        kind=FundingKind.FSA,
        name="Employer FSA",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        election=Decimal("2000.00"),
        used=Decimal("0.00"),
        grace_period_days=0,
        runout_days=90,
        limited_purpose=False,
    )
    provider = Provider.objects.create(
        organization=riverbend, name="Dr. Ana Lee", kind=ProviderKind.PHYSICIAN, npi=VALID_NPI
    )
    facility = Facility.objects.create(organization=riverbend, name="Main Studio")
    return World(
        riverbend=riverbend,
        northside=northside,
        sam=sam,
        jo=jo,
        dana=dana,
        marcus=marcus,
        riley=riley,
        dana_fsa=dana_fsa,
        provider=provider,
        facility=facility,
        personas=personas,
    )
