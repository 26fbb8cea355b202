"""Personas for the platform tests: two organizations, a person in each role.

Riverbend has an admin, a billing clerk and a trainer; Northside has its own
admin, who must never see anything of Riverbend's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Membership, Organization, Role, User
from fitclaim.accounts.services import membership_create, user_create

PASSWORD = "Correct-horse-battery-9"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    # Argon2 is deliberately slow; the tests check who may sign in, not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@dataclass
class Persona:
    user: User
    membership: Membership

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    def actor(self, *, via: str = "web") -> Actor:
        return Actor(user=self.user, membership=self.membership, ip="127.0.0.1", via=via)

    def client(self) -> Client:
        """A test client signed in as this persona."""
        client = Client()
        client.force_login(self.user)
        return client


def make_persona(
    organization: Organization, *, email: str, role: str, first: str = "", last: str = ""
) -> Persona:
    user = user_create(email=email, first_name=first, last_name=last, password=PASSWORD)
    membership = membership_create(actor=None, organization=organization, user=user, role=role)
    return Persona(user=user, membership=membership)


@pytest.fixture
def riverbend(db: None) -> Organization:
    return Organization.objects.create(name="Riverbend Clinical Fitness")


@pytest.fixture
def northside(db: None) -> Organization:
    return Organization.objects.create(name="Northside Strength")


@pytest.fixture
def admin(riverbend: Organization) -> Persona:
    return make_persona(
        riverbend, email="ada.admin@riverbend.test", role=Role.ADMIN, first="Ada", last="Admin"
    )


@pytest.fixture
def billing(riverbend: Organization) -> Persona:
    return make_persona(riverbend, email="bill@riverbend.test", role=Role.BILLING)


@pytest.fixture
def trainer(riverbend: Organization) -> Persona:
    return make_persona(
        riverbend, email="sam@riverbend.test", role=Role.TRAINER, first="Sam", last="Ortiz"
    )


@pytest.fixture
def other_admin(northside: Organization) -> Persona:
    return make_persona(northside, email="admin@northside.test", role=Role.ADMIN)
