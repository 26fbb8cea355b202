"""What the record pages do for the people allowed to use them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.urls import reverse

from fitclaim.accounts.models import Membership, Role
from fitclaim.audit.models import AuditEvent
from fitclaim.clients.models import Client
from fitclaim.funding.models import FundingSource
from fitclaim.trainers.models import Credential

from .conftest import World


def test_client_search_finds_by_name_and_by_condition(world: World) -> None:
    http = world["admin"].http()
    by_name = http.get(reverse("clients:list"), {"q": "reyes"}).context["page"].object_list
    by_code = http.get(reverse("clients:list"), {"q": "I25"}).context["page"].object_list
    assert [c.first_name for c in by_name] == ["Dana"]
    assert [c.first_name for c in by_code] == ["Marcus"]


def test_creating_a_client_is_audited_with_its_values(world: World) -> None:
    response = (
        world["billing"]
        .http()
        .post(
            reverse("clients:create"),
            {
                "first_name": "Ana",
                "last_name": "Park",
                "conditions": "e66.811 f41.1",
                "trainer_ids": [world.jo.pk],
            },
        )
    )
    client = Client.objects.get(first_name="Ana")
    assert response.status_code == 302 and response["Location"] == reverse(
        "clients:detail", args=[client.pk]
    )
    assert client.conditions == ["E66.811", "F41.1"]
    event = AuditEvent.objects.get(action="create", entity="client")
    assert event.changes["conditions"] == [None, ["E66.811", "F41.1"]]
    assert event.changes["trainers"] == [None, [world.jo.pk]]


def test_an_update_records_only_what_changed(world: World) -> None:
    world["trainer_assigned"].http().post(
        reverse("clients:edit", args=[world.dana.pk]),
        {
            "first_name": "Dana", "last_name": "Reyes", "birth_date": "1971-04-09",
            "conditions": "E66.812, E11.9, F41.1", "trainer_ids": [world.sam.pk],
        },
    )  # fmt: skip
    event = AuditEvent.objects.get(action="update", entity="client")
    assert event.changes == {"conditions": [["E66.812", "E11.9"], ["E66.812", "E11.9", "F41.1"]]}


def test_an_admin_gives_a_client_a_portal_login(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("clients:portal_login", args=[world.riley.pk])
    http = world["other_org_admin"].http()
    # The invitation is sent once the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(url, {"email": "riley.chen@example.test"})
    assert response.status_code == 302
    membership = Membership.objects.get(client=world.riley)
    assert (membership.role, membership.user.email) == (Role.CLIENT, "riley.chen@example.test")
    assert not membership.user.has_usable_password()  # the client chooses one from the email
    assert mail.outbox and mail.outbox[0].to == ["riley.chen@example.test"]
    again = http.post(url, {"email": "someone.else@example.test"})
    assert "already has a portal login" in " ".join(again.context["form"].errors["email"])


def test_the_trainer_list_flags_a_credential_expiring_within_60_days(world: World) -> None:
    Credential.objects.create(
        organization=world.riverbend, trainer=world.jo, code="NASM-CES",
        expires=dt.date.today() + dt.timedelta(days=59),
    )  # fmt: skip
    page = world["admin"].http().get(reverse("trainers:list"))
    flags = {t.name: t.expiring_soon for t in page.context["page"].object_list}
    assert flags == {"Jo Kim": True, "Sam Ortiz": False}
    assert page.content.decode().count("Credential expires within 60 days") == 1
    detail = (
        world["admin"].http().get(reverse("trainers:detail", args=[world.jo.pk])).content.decode()
    )
    assert "Expires within 60 days" in detail


def test_an_expired_credential_is_not_expiring_soon(world: World) -> None:
    Credential.objects.create(
        organization=world.riverbend,
        trainer=world.jo,
        code="ACE-MES",
        expires=dt.date.today() - dt.timedelta(days=1),
    )
    page = world["admin"].http().get(reverse("trainers:list"))
    assert {t.name: t.expiring_soon for t in page.context["page"].object_list}["Jo Kim"] is False


def test_the_funding_form_shows_only_the_chosen_kinds_fields(world: World) -> None:
    http = world["admin"].http()
    url = reverse("clients:funding:create", args=[world.dana.pk])
    assert http.get(url).context["form"] is None
    hsa_form = http.get(url, {"kind": "hsa"}, headers={"HX-Request": "true"}).context["form"]
    assert set(hsa_form.fields) == {
        "name", "payer_name", "member_id", "claim_address", "accepts_esignature",
        "established", "balance", "requires_lmn", "accepted_issuers", "covered_codes",
    }  # fmt: skip
    wellness_form = http.get(url, {"kind": "wellness"}).context["form"]
    assert wellness_form.initial["requires_lmn"] is False  # the engine's default for wellness


def test_ranking_sources_sets_the_clients_priority(world: World) -> None:
    hsa = FundingSource.objects.create(
        organization=world.riverbend, client=world.dana, kind="hsa", name="HSA",
        established=dt.date(2025, 1, 1), balance="100.00",
    )  # fmt: skip
    url = reverse("clients:funding:preferences", args=[world.dana.pk])
    http = world["admin"].http()
    half = http.post(url, {"strategy": "preserve_hsa", f"rank_{hsa.pk}": "1"})
    assert f"rank_{world.dana_fsa.pk}" in half.context["form"].errors
    http.post(
        url, {"strategy": "preserve_hsa", f"rank_{hsa.pk}": "1", f"rank_{world.dana_fsa.pk}": "2"}
    )
    world.dana.refresh_from_db()
    assert (world.dana.strategy, world.dana.priority) == (
        "preserve_hsa",
        [hsa.pk, world.dana_fsa.pk],
    )


def test_removing_a_source_takes_it_out_of_the_priority(world: World) -> None:
    world.dana.priority = [world.dana_fsa.pk]
    world.dana.save()
    url = reverse("clients:funding:delete", args=[world.dana.pk, world.dana_fsa.pk])
    assert world["trainer_assigned"].http().post(url).status_code == 302
    world.dana.refresh_from_db()
    assert world.dana.priority == []
    assert AuditEvent.objects.filter(
        action="delete", entity="funding_source", client_id=world.dana.pk
    ).exists()
