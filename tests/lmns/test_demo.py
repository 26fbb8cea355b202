"""The demo letters and pre-authorizations: every status the issue names, built
relative to a date, and loading them twice creates nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from fitclaim.accounts.models import Organization
from fitclaim.clients.demo import RIVERBEND, demo_load
from fitclaim.domain.case_checks import case_problems
from fitclaim.lmns.demo import load_letters_demo
from fitclaim.lmns.models import Lmn
from fitclaim.lmns.selectors import lmn_engine_input
from fitclaim.preauths.models import Preauthorization
from fitclaim.preauths.selectors import preauth_engine_input

AS_OF = dt.date(2026, 7, 31)


@pytest.fixture
def riverbend(db, settings) -> Organization:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load(as_of=AS_OF)
    return Organization.objects.get(name=RIVERBEND)


def test_the_demo_has_every_kind_of_letter_and_answer(riverbend: Organization):
    # The demo loader has created them; loading them again creates nothing.
    assert Lmn.objects.filter(organization=riverbend).count() == 6
    assert Preauthorization.objects.filter(organization=riverbend).count() == 4
    assert sum(load_letters_demo(organization=riverbend, as_of=AS_OF).values()) == 0
    letters = {lmn.client.name: lmn for lmn in Lmn.objects.select_related("client")}
    assert letters["Dana Reyes"].display_status(AS_OF) == "active"
    assert letters["Dana Reyes"].signature_method == "electronic"
    assert letters["Marcus Bell"].display_status(AS_OF) == "active"
    assert (letters["Marcus Bell"].valid_to - AS_OF).days == 25
    assert letters["Priya Natarajan"].status == "expired"
    assert letters["Priya Natarajan"].signature_method == "scan"
    assert letters["Tom Haller"].status == "awaiting_signature"
    assert letters["Linda Okafor"].display_status(AS_OF) == "declined"
    statuses = sorted(Preauthorization.objects.values_list("status", flat=True))
    assert statuses == ["approved", "approved", "denied", "pending"]


def test_loading_the_demo_twice_creates_nothing(riverbend: Organization):
    load_letters_demo(organization=riverbend, as_of=AS_OF)
    counts = (Lmn.objects.count(), Preauthorization.objects.count())
    assert load_letters_demo(organization=riverbend, as_of=AS_OF) == {}
    assert (Lmn.objects.count(), Preauthorization.objects.count()) == counts


def test_every_demo_record_is_a_valid_engine_entry(riverbend: Organization):
    load_letters_demo(organization=riverbend, as_of=AS_OF)
    for lmn in Lmn.objects.all():
        entry = lmn_engine_input(lmn)
        case = {
            "as_of": AS_OF.isoformat(),
            "client": {"id": "c"},
            "lmns": [entry],
            "trainers": [{"id": t, "credentials": []} for t in entry["authorized_trainers"]],
        }
        assert case_problems(case) == [], lmn
    for preauth in Preauthorization.objects.select_related("source"):
        from fitclaim.funding.selectors import funding_source_engine_input

        case = {
            "as_of": AS_OF.isoformat(),
            "client": {"id": "c"},
            "sources": [funding_source_engine_input(preauth.source)],
            "preauthorizations": [preauth_engine_input(preauth)],
        }
        assert case_problems(case) == [], preauth
