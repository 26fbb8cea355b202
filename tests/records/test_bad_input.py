"""Bad input, on the pages and in the API: a message that names the field, and
nothing saved."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from fitclaim.clients.models import Client
from fitclaim.funding.models import FundingSource
from fitclaim.providers.models import Provider
from fitclaim.trainers.models import Credential

from .conftest import World

FSA_FIELDS = {
    "kind": "fsa",
    "name": "Employer FSA 2027",
    "period_start": "2027-01-01",
    "period_end": "2027-12-31",
    "election": "1500.00",
    "grace_period_days": "0",
    "runout_days": "90",
    "used": "0.00",
    "requires_lmn": "on",
    "accepts_esignature": "on",
}


def api_errors(response: object) -> dict[str, list[str]]:
    """{field: [messages]} from a 422, checking the shape on the way."""
    assert response.status_code == 422, response.content
    errors: dict[str, list[str]] = {}
    for error in response.json()["detail"]:
        assert error["loc"][:2] == ["body", "payload"], error
        errors.setdefault(error["loc"][2], []).append(error["msg"])
    return errors


def post_json(world: World, persona: str, url: str, body: dict, method: str = "post") -> object:
    http = world[persona].http()
    return getattr(http, method)(url, data=json.dumps(body), content_type="application/json")


# --- clients: ICD-10-CM codes -------------------------------------------------


def test_page_rejects_an_unknown_icd10_code_on_the_conditions_field(world: World) -> None:
    before = Client.objects.count()
    response = (
        world["admin"]
        .http()
        .post(
            reverse("clients:create"),
            {"first_name": "Ana", "last_name": "Park", "conditions": "E11.9, E66.9X"},
        )
    )
    assert response.status_code == 200
    assert "E66.9X is not an ICD-10-CM code" in " ".join(
        response.context["form"].errors["conditions"]
    )
    assert "E66.9X is not an ICD-10-CM code" in response.content.decode()
    assert Client.objects.count() == before


def test_page_rejects_a_non_billable_code(world: World) -> None:
    response = (
        world["admin"]
        .http()
        .post(
            reverse("clients:edit", args=[world.dana.pk]),
            {"first_name": "Dana", "last_name": "Reyes", "conditions": "M54.5"},
        )
    )
    assert "M54.5 is not billable" in " ".join(response.context["form"].errors["conditions"])
    world.dana.refresh_from_db()
    assert world.dana.conditions == ["E66.812", "E11.9"]


def test_api_rejects_an_unknown_icd10_code_naming_the_field(world: World) -> None:
    before = Client.objects.count()
    response = post_json(
        world,
        "admin",
        "/api/v1/clients",
        {"first_name": "A", "last_name": "B", "conditions": ["E66.9X"]},
    )
    assert "E66.9X is not an ICD-10-CM code (FY2026)" in api_errors(response)["conditions"]
    assert Client.objects.count() == before


def test_a_client_with_an_unknown_trainer_is_not_saved_at_all(world: World) -> None:
    # The client row would be valid on its own; the whole change is one transaction.
    before = Client.objects.count()
    response = post_json(
        world,
        "admin",
        "/api/v1/clients",
        {"first_name": "A", "last_name": "B", "trainer_ids": [999999]},
    )
    assert "trainer_ids" in api_errors(response)
    assert Client.objects.count() == before


def test_api_rejects_a_misspelt_field(world: World) -> None:
    response = post_json(
        world, "admin", "/api/v1/clients", {"first_name": "A", "last_name": "B", "conditons": []}
    )
    assert "conditons" in api_errors(response)


def test_a_trainer_cannot_unassign_themselves(world: World) -> None:
    url = f"/api/v1/clients/{world.dana.pk}"
    response = post_json(world, "trainer_assigned", url, {"trainer_ids": []}, method="patch")
    assert "trainer_ids" in api_errors(response)
    assert list(world.dana.trainers.all()) == [world.sam]


# --- NPI -----------------------------------------------------------------------


def test_page_rejects_a_provider_npi_with_a_wrong_check_digit(world: World) -> None:
    before = Provider.objects.count()
    response = (
        world["admin"]
        .http()
        .post(
            reverse("providers:create"),
            {"name": "Dr. Typo", "kind": "physician", "npi": "1245319598"},
        )
    )
    assert response.status_code == 200
    assert "check digit" in " ".join(response.context["form"].errors["npi"])
    assert Provider.objects.count() == before


def test_api_rejects_a_provider_npi_that_is_not_ten_digits(world: World) -> None:
    response = post_json(
        world, "admin", "/api/v1/providers", {"name": "Dr. X", "kind": "physician", "npi": "12345"}
    )
    assert api_errors(response)["npi"] == ["an NPI is 10 digits"]


def test_api_rejects_an_unknown_provider_kind(world: World) -> None:
    response = post_json(
        world,
        "admin",
        "/api/v1/providers",
        {"name": "Dr. X", "kind": "surgeon", "npi": "1245319599"},
    )
    assert "kind" in api_errors(response)


def test_trainer_npi_is_optional_but_checked(world: World) -> None:
    url = f"/api/v1/trainers/{world.sam.pk}"
    assert "npi" in api_errors(
        post_json(world, "admin", url, {"npi": "1111111111"}, method="patch")
    )
    response = post_json(world, "admin", url, {"npi": ""}, method="patch")
    assert response.status_code == 200


def test_a_credential_cannot_expire_before_it_was_issued(world: World) -> None:
    before = Credential.objects.count()
    url = f"/api/v1/trainers/{world.sam.pk}/credentials"
    response = post_json(
        world, "admin", url, {"code": "NASM-CES", "issued": "2026-05-01", "expires": "2026-04-30"}
    )
    assert "before it was issued" in api_errors(response)["expires"][0]
    assert Credential.objects.count() == before


# --- funding sources ------------------------------------------------------------


def test_page_rejects_an_fsa_period_that_ends_before_it_starts(world: World) -> None:
    before = FundingSource.objects.count()
    response = (
        world["admin"]
        .http()
        .post(
            reverse("clients:funding:create", args=[world.dana.pk]),
            {**FSA_FIELDS, "period_start": "2027-12-31", "period_end": "2027-01-01"},
        )
    )
    assert response.status_code == 200
    assert "ends (2027-01-01) before it starts" in " ".join(
        response.context["form"].errors["period_end"]
    )
    assert FundingSource.objects.count() == before


def test_page_rejects_fsa_used_above_the_election(world: World) -> None:
    before = FundingSource.objects.count()
    response = (
        world["admin"]
        .http()
        .post(
            reverse("clients:funding:create", args=[world.dana.pk]),
            {**FSA_FIELDS, "used": "1500.01"},
        )
    )
    assert "more than the election (1500.00)" in " ".join(response.context["form"].errors["used"])
    assert "more than the election" in response.content.decode()
    assert FundingSource.objects.count() == before


def test_page_saves_a_valid_fsa(world: World) -> None:
    response = (
        world["admin"]
        .http()
        .post(reverse("clients:funding:create", args=[world.dana.pk]), FSA_FIELDS)
    )
    assert response.status_code == 302
    source = FundingSource.objects.get(name="Employer FSA 2027")
    assert (source.kind, str(source.election), source.runout_days) == ("fsa", "1500.00", 90)


def test_editing_a_source_keeps_its_values_when_a_rule_fails(world: World) -> None:
    url = reverse("clients:funding:edit", args=[world.dana.pk, world.dana_fsa.pk])
    response = (
        world["admin"].http().post(url, {**FSA_FIELDS, "name": "Employer FSA", "used": "99999.00"})
    )
    assert "used" in response.context["form"].errors
    world.dana_fsa.refresh_from_db()
    assert str(world.dana_fsa.used) == "0.00"


def test_api_rejects_an_fsa_period_that_ends_before_it_starts(world: World) -> None:
    before = FundingSource.objects.count()
    body = {
        "kind": "fsa",
        "name": "FSA",
        "period_start": "2027-12-31",
        "period_end": "2027-01-01",
        "election": "100",
    }
    response = post_json(world, "admin", f"/api/v1/clients/{world.dana.pk}/funding-sources", body)
    assert list(api_errors(response)) == ["period_end"]
    assert FundingSource.objects.count() == before


def test_api_rejects_fsa_used_above_the_election(world: World) -> None:
    url = f"/api/v1/clients/{world.dana.pk}/funding-sources/{world.dana_fsa.pk}"
    response = post_json(world, "admin", url, {"used": "2000.01"}, method="patch")
    assert api_errors(response) == {"used": ["more than the election (2000.00)"]}


def test_api_rejects_a_field_of_another_kind(world: World) -> None:
    body = {
        "kind": "hsa",
        "name": "HSA",
        "established": "2025-01-01",
        "balance": "10.00",
        "election": "100.00",
    }
    response = post_json(world, "admin", f"/api/v1/clients/{world.dana.pk}/funding-sources", body)
    assert api_errors(response) == {"election": ["not a field of an HSA"]}


def test_a_client_has_at_most_one_hsa(world: World) -> None:
    url = f"/api/v1/clients/{world.dana.pk}/funding-sources"
    body = {"kind": "hsa", "name": "HSA", "established": "2025-01-01", "balance": "10.00"}
    assert post_json(world, "admin", url, body).status_code == 201
    assert "kind" in api_errors(post_json(world, "admin", url, {**body, "name": "Second HSA"}))
    assert FundingSource.objects.filter(client=world.dana, kind="hsa").count() == 1


def test_money_with_more_than_cents_is_refused(world: World) -> None:
    url = f"/api/v1/clients/{world.dana.pk}/funding-sources/{world.dana_fsa.pk}"
    assert "election" in api_errors(
        post_json(world, "admin", url, {"election": "10.005"}, method="patch")
    )


def test_coinsurance_must_be_a_rate(world: World) -> None:
    body = {
        "kind": "insurance",
        "name": "PPO",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "coinsurance": "20",
    }
    response = post_json(world, "admin", f"/api/v1/clients/{world.dana.pk}/funding-sources", body)
    assert list(api_errors(response)) == ["coinsurance"]


def test_the_kind_of_a_source_cannot_change(world: World) -> None:
    url = f"/api/v1/clients/{world.dana.pk}/funding-sources/{world.dana_fsa.pk}"
    assert "kind" in api_errors(post_json(world, "admin", url, {"kind": "hsa"}, method="patch"))


def test_priority_must_name_every_non_insurance_source(world: World) -> None:
    url = f"/api/v1/clients/{world.dana.pk}/funding-sources"
    hsa = post_json(
        world,
        "admin",
        url,
        {"kind": "hsa", "name": "HSA", "established": "2025-01-01", "balance": "5.00"},
    )
    prefs = f"/api/v1/clients/{world.dana.pk}/funding-preferences"
    body = {"strategy": "preserve_hsa", "priority": [str(world.dana_fsa.pk)]}
    assert "priority" in api_errors(post_json(world, "admin", prefs, body, method="put"))
    body["priority"] = [f"src-{hsa.json()['id']}", str(world.dana_fsa.pk)]
    response = post_json(world, "admin", prefs, body, method="put")
    assert response.json() == {
        "strategy": "preserve_hsa",
        "priority": [hsa.json()["id"], world.dana_fsa.pk],
    }


def test_the_database_itself_refuses_a_second_hsa(world: World) -> None:
    # Two requests racing past the service's check still cannot both commit.
    def hsa() -> FundingSource:
        return FundingSource.objects.create(
            organization=world.riverbend, client=world.dana, kind="hsa", name="HSA",
            established=dt.date(2025, 1, 1), balance="1.00",
        )  # fmt: skip

    hsa()
    with pytest.raises(IntegrityError), transaction.atomic():
        hsa()
