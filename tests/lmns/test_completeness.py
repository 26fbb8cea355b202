"""Completeness before sending: each missing element is reported by its name,
on the page and by the service, and the warnings that are not blockers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fitclaim.lmns.models import Lmn
from fitclaim.lmns.selectors import lmn_completeness
from fitclaim.providers.models import Provider

from .conftest import TODAY, World, draft_letter


def missing(lmn: Lmn) -> list[str]:
    return [finding.field for finding in lmn_completeness(lmn, today=TODAY()).missing]


def test_a_complete_letter_misses_nothing(world_ready: World):
    assert missing(draft_letter(world_ready)) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"necessity_statement": ""}, "necessity_statement"),
        ({"exercise_kind": ""}, "exercise_kind"),
        ({"sessions_per_week": None}, "sessions_per_week"),
        ({"minutes_per_session": None}, "minutes_per_session"),
        ({"diagnoses": []}, "diagnoses"),
    ],
)
def test_each_missing_element_of_the_letter_is_named(world_ready: World, change, field):
    assert missing(draft_letter(world_ready, **change)) == [field]


def test_the_patient_birth_date_comes_from_the_record(world_ready: World):
    world_ready.dana.birth_date = None
    world_ready.dana.save()
    assert missing(draft_letter(world_ready)) == ["patient_birth_date"]


def test_a_diagnosis_without_description_is_impossible_but_a_letter_without_validity_is_not(
    world_ready: World,
):
    lmn = draft_letter(world_ready)
    Lmn.objects.filter(pk=lmn.pk).update(valid_from=None, valid_to=None)
    lmn.refresh_from_db()
    assert missing(lmn) == ["valid_from", "valid_to"]


def test_without_a_provider_every_provider_element_is_missing(world_ready: World):
    lmn = draft_letter(world_ready, provider_id=None)
    assert missing(lmn) == [
        "provider_name",
        "provider_kind",
        "provider_credentials",
        "provider_npi",
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"credentials": ""}, "provider_credentials"), ({"npi": "1245319598"}, "provider_npi")],
)
def test_the_providers_credentials_and_npi_are_checked(world_ready: World, change, field):
    Provider.objects.filter(pk=world_ready.provider.pk).update(**change)
    assert missing(draft_letter(world_ready)) == [field]


def test_the_send_page_lists_what_is_missing_by_name(world_ready: World):
    lmn = draft_letter(world_ready, exercise_kind="", minutes_per_session=None)
    response = world_ready["admin"].http().get(reverse("lmns:send", args=[lmn.pk]))
    page = response.content.decode()
    assert "Incomplete" in page
    assert "Kind of exercise" in page and "The kind of exercise prescribed is missing." in page
    assert "Minutes per session" in page
    refused = (
        world_ready["admin"]
        .http()
        .post(reverse("lmns:send", args=[lmn.pk]), {"provider_email": "ana.lee@clinic.example"})
    )
    assert refused.status_code == 200  # the form again, with the problems
    assert "exercise kind: The kind of exercise prescribed is missing." in refused.content.decode()
    lmn.refresh_from_db()
    assert lmn.status == "draft"


def test_a_back_dated_letter_is_a_warning(world_ready: World):
    lmn = draft_letter(world_ready, valid_from=TODAY() - dt.timedelta(days=10))
    result = lmn_completeness(lmn, today=TODAY())
    assert result.complete
    assert [w.field for w in result.warnings] == ["valid_from"]


def test_a_payer_that_refuses_the_providers_kind_is_a_warning(world_ready: World):
    from fitclaim.funding.models import FundingSource

    FundingSource.objects.filter(client=world_ready.dana, kind="insurance").update(
        accepted_issuers=["nurse_practitioner"], accepts_esignature=False
    )
    result = lmn_completeness(draft_letter(world_ready), today=TODAY())
    assert result.complete
    messages = [w.message for w in result.warnings]
    assert any("accepts letters only from: nurse practitioner" in m for m in messages)
    assert any("does not accept e-signed letters" in m for m in messages)


def test_a_new_diagnosis_on_a_letter_joins_the_clients_conditions(world_ready: World):
    draft_letter(world_ready, diagnoses=["E66.812", "I10"])
    world_ready.dana.refresh_from_db()
    assert world_ready.dana.conditions == ["E66.812", "E11.9", "I10"]


def test_an_invalid_diagnosis_is_refused_by_name(world_ready: World):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        draft_letter(world_ready, diagnoses=["M54.5"])
    assert "not billable" in refused.value.message_dict["diagnoses"][0]
