"""Who may open which letter and pre-authorization page and endpoint: the
records matrix (tests/records/test_access_pages.py) on every new URL. A
provider's signing link opens its one letter and nothing else."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse

from fitclaim.audit.models import AuditEvent
from fitclaim.funding.models import FundingSource
from fitclaim.lmns.models import Lmn, LmnStatus
from fitclaim.preauths.models import Preauthorization
from fitclaim.preauths.services import preauth_create
from tests.records.test_access_pages import EDIT_CLIENT, NOT_FOUND, OK, READ_CLIENT, SIGN_IN

from .conftest import TODAY, World, draft_letter, letter_in, png_bytes, send

UNAUTHORIZED = 401


def page_status(world: World, persona: str, url: str, method: str = "get", **data) -> int:
    response = getattr(world[persona].http(), method)(url, data or None)
    if response.status_code == SIGN_IN and persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    return response.status_code


def api_status(world: World, persona: str, method: str, url: str, body: Any = None) -> int:
    http = world[persona].http()
    kwargs = {}
    if body is not None:
        kwargs = {"content_type": "application/json", "data": json.dumps(body)}
    return getattr(http, method)(url, **kwargs).status_code


def api(status: int, ok: int = 200) -> int:
    return {SIGN_IN: UNAUTHORIZED, OK: ok}.get(status, status)


def make_preauth(world: World, lmn: Lmn | None = None) -> Preauthorization:
    insurance = FundingSource.objects.get(client=world.dana, kind="insurance")
    return preauth_create(
        by=world["admin"].actor(),
        client=world.dana,
        data={
            "source_id": insurance.pk,
            "lmn_id": lmn.pk if lmn else None,
            "requested_on": TODAY(),
            "requested_sessions": 24,
            "requested_from": TODAY(),
            "requested_to": TODAY() + dt.timedelta(days=90),
            "service_codes": ["S9451"],
        },
    )


# --- pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), READ_CLIENT)
def test_reading_letter_pages(world_ready: World, persona: str, status: int):
    lmn = letter_in(world_ready, LmnStatus.SIGNED)
    for name, args in (
        ("lmns:list", [world_ready.dana.pk]),
        ("lmns:detail", [lmn.pk]),
        ("lmns:pdf", [lmn.pk]),
        ("lmns:scan_file", [lmn.pk]),
    ):
        assert page_status(world_ready, persona, reverse(name, args=args)) == status, name


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_changing_letter_pages(world_ready: World, persona: str, status: int):
    draft = draft_letter(world_ready)
    signed = letter_in(world_ready, LmnStatus.SIGNED)
    for name, pk in (
        ("lmns:edit", draft.pk),
        ("lmns:send", draft.pk),
        ("lmns:scan", draft.pk),
        ("lmns:revoke", signed.pk),
        ("lmns:renew", signed.pk),
    ):
        assert page_status(world_ready, persona, reverse(name, args=[pk])) == status, name
    url = reverse("lmns:create", args=[world_ready.dana.pk])
    assert page_status(world_ready, persona, url) == status


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_cancelling_a_signature_request(world_ready: World, persona: str, status: int):
    lmn = letter_in(world_ready, LmnStatus.AWAITING_SIGNATURE)
    code = page_status(
        world_ready, persona, reverse("lmns:cancel_signature", args=[lmn.pk]), method="post"
    )
    assert code == (302 if status == OK else status)
    lmn.refresh_from_db()
    assert (lmn.status == LmnStatus.DRAFT) == (status == OK)


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_creating_a_letter_by_form(world_ready: World, persona: str, status: int):
    url = reverse("lmns:create", args=[world_ready.dana.pk])
    code = page_status(
        world_ready,
        persona,
        url,
        method="post",
        diagnoses="E66.812",
        provider_id=world_ready.provider.pk,
    )
    assert code == (302 if status == OK else status)
    assert Lmn.objects.filter(client=world_ready.dana).exists() == (status == OK)


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_checking_an_unsaved_letter(world_ready: World, persona: str, status: int):
    url = reverse("lmns:check", args=[world_ready.dana.pk])
    response = world_ready[persona].http().post(url, {"exercise_kind": "Walking"})
    assert response.status_code == status
    if status == OK:
        page = response.content.decode()
        assert "Incomplete" in page and "Sessions per week" in page
        assert "Kind of exercise" not in page
        assert not Lmn.objects.exists()


@pytest.mark.parametrize(("persona", "status"), READ_CLIENT)
def test_reading_preauthorization_pages(world_ready: World, persona: str, status: int):
    preauth = make_preauth(world_ready)
    for name, args in (
        ("preauths:list", [world_ready.dana.pk]),
        ("preauths:detail", [preauth.pk]),
        ("preauths:request_pdf", [preauth.pk]),
    ):
        assert page_status(world_ready, persona, reverse(name, args=args)) == status, name


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_changing_preauthorization_pages(world_ready: World, persona: str, status: int):
    preauth = make_preauth(world_ready)
    for name, args in (
        ("preauths:create", [world_ready.dana.pk]),
        ("preauths:edit", [preauth.pk]),
        ("preauths:answer", [preauth.pk]),
    ):
        assert page_status(world_ready, persona, reverse(name, args=args)) == status, name


@pytest.mark.parametrize(
    ("persona", "sees_dana"),
    [
        ("admin", True),
        ("billing", True),
        ("trainer_assigned", True),
        ("trainer_not_assigned", False),
        ("client_self", True),
        ("another_client", False),
        ("other_org_admin", False),
    ],
)
def test_the_attention_list_shows_only_visible_clients(
    world_ready: World, persona: str, sees_dana: bool
):
    start = TODAY() - dt.timedelta(days=300)
    from .conftest import scan_sign

    scan_sign(
        world_ready,
        draft_letter(world_ready, valid_from=start, valid_to=TODAY() + dt.timedelta(days=20)),
        signed_on=start,
    )
    response = world_ready[persona].http().get(reverse("lmns:attention"))
    assert response.status_code == OK
    assert ("Dana Reyes" in response.content.decode()) == sees_dana


def test_the_attention_list_needs_sign_in(world_ready: World):
    assert page_status(world_ready, "anonymous", reverse("lmns:attention")) == SIGN_IN


def test_another_clients_letter_is_not_reached_through_a_client_address(world_ready: World):
    lmn = draft_letter(world_ready)
    assert page_status(world_ready, "admin", reverse("lmns:list", args=[world_ready.marcus.pk]))
    response = world_ready["admin"].http().get(reverse("lmns:list", args=[world_ready.marcus.pk]))
    assert lmn.reference not in response.content.decode()


def test_viewing_a_letter_is_audited(world_ready: World):
    lmn = draft_letter(world_ready)
    world_ready["billing"].http().get(reverse("lmns:detail", args=[lmn.pk]))
    event = AuditEvent.objects.filter(action="view", entity="lmn", entity_id=str(lmn.pk)).get()
    assert event.actor == world_ready["billing"].user
    assert event.client_id == world_ready.dana.pk


# --- the API -------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), READ_CLIENT)
def test_reading_through_the_api(world_ready: World, persona: str, status: int):
    lmn = letter_in(world_ready, LmnStatus.SIGNED)
    preauth = make_preauth(world_ready, lmn)
    for url in (
        f"/api/v1/clients/{world_ready.dana.pk}/letters",
        f"/api/v1/letters/{lmn.pk}",
        f"/api/v1/letters/{lmn.pk}/pdf",
        f"/api/v1/clients/{world_ready.dana.pk}/preauthorizations",
        f"/api/v1/preauthorizations/{preauth.pk}",
        f"/api/v1/preauthorizations/{preauth.pk}/request.pdf",
    ):
        assert api_status(world_ready, persona, "get", url) == api(status), url


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_changing_through_the_api(world_ready: World, persona: str, status: int):
    dana = world_ready.dana.pk
    created = api_status(
        world_ready,
        persona,
        "post",
        f"/api/v1/clients/{dana}/letters",
        {"provider_id": world_ready.provider.pk},
    )
    assert created == api(status, ok=201)
    draft = draft_letter(world_ready)
    signed = letter_in(world_ready, LmnStatus.SIGNED)
    awaiting = letter_in(world_ready, LmnStatus.AWAITING_SIGNATURE)
    preauth = make_preauth(world_ready)
    insurance = FundingSource.objects.get(client=world_ready.dana, kind="insurance")
    calls = [
        ("patch", f"/api/v1/letters/{draft.pk}", {"goals": "More"}, 200),
        ("post", f"/api/v1/letters/{awaiting.pk}/cancel-signature", None, 200),
        ("post", f"/api/v1/letters/{draft.pk}/send", {}, 201),
        ("post", f"/api/v1/letters/{signed.pk}/renew", {}, 201),
        ("post", f"/api/v1/letters/{signed.pk}/revoke", {"reason": "error"}, 200),
        (
            "post",
            f"/api/v1/clients/{dana}/preauthorizations",
            {
                "source_id": insurance.pk,
                "requested_on": str(TODAY()),
                "requested_sessions": 5,
                "requested_from": str(TODAY()),
                "requested_to": str(TODAY()),
            },
            201,
        ),
        ("patch", f"/api/v1/preauthorizations/{preauth.pk}", {"notes": "faxed"}, 200),
        (
            "post",
            f"/api/v1/preauthorizations/{preauth.pk}/answer",
            {"status": "approved", "approved_sessions": 10},
            200,
        ),
    ]
    for method, url, body, ok in calls:
        assert api_status(world_ready, persona, method, url, body) == api(status, ok), url
    scan = (
        world_ready[persona]
        .http()
        .post(
            f"/api/v1/letters/{draft.pk}/scan",
            {"file": _upload(), "signer_name": "Ana Lee", "signed_on": str(TODAY())},
        )
    )
    assert scan.status_code == api(status, 200 if status == OK else status)


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png")


def test_a_refused_transition_through_the_api_names_the_problem(world_ready: World):
    signed = letter_in(world_ready, LmnStatus.SIGNED)
    response = (
        world_ready["admin"]
        .http()
        .patch(
            f"/api/v1/letters/{signed.pk}", data='{"goals": "x"}', content_type="application/json"
        )
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["field"] == "status" and "renew" in detail[0]["msg"]


def test_an_incomplete_letter_sent_through_the_api_lists_what_is_missing(world_ready: World):
    draft = draft_letter(world_ready, exercise_kind="")
    response = (
        world_ready["admin"]
        .http()
        .post(f"/api/v1/letters/{draft.pk}/send", data="{}", content_type="application/json")
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["exercise_kind"]


def test_the_letters_are_in_the_openapi_schema(world_ready: World):
    schema = world_ready["admin"].http().get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/clients/{client_id}/letters",
        "/api/v1/letters/{letter_id}",
        "/api/v1/letters/{letter_id}/send",
        "/api/v1/letters/{letter_id}/pdf",
        "/api/v1/clients/{client_id}/preauthorizations",
        "/api/v1/preauthorizations/{preauth_id}/answer",
    ):
        assert path in schema["paths"], path


# --- the provider's link -------------------------------------------------------------


def test_a_provider_link_grants_access_to_that_one_letter_only(world_ready: World):
    from django.test import Client as HttpClient

    dana_letter = draft_letter(world_ready)
    token = send(world_ready, dana_letter)
    marcus_letter = Lmn.objects.create(
        organization=world_ready.riverbend,
        client=world_ready.marcus,
        provider=world_ready.provider,
        valid_from=TODAY(),
        valid_to=TODAY(),
    )
    provider = HttpClient()
    page = provider.get(reverse("lmns:sign", args=[token]))
    assert page.status_code == OK
    assert "Dana Reyes" in page.content.decode()
    assert "Marcus" not in page.content.decode()
    # The link is no sign-in: every other page and endpoint still wants one.
    for url in (
        reverse("lmns:detail", args=[dana_letter.pk]),
        reverse("lmns:pdf", args=[dana_letter.pk]),
        reverse("lmns:detail", args=[marcus_letter.pk]),
        reverse("lmns:list", args=[world_ready.dana.pk]),
        reverse("clients:detail", args=[world_ready.dana.pk]),
    ):
        assert provider.get(url).status_code == SIGN_IN, url
    assert provider.get(f"/api/v1/letters/{dana_letter.pk}").status_code == UNAUTHORIZED
    assert provider.get(reverse("lmns:sign", args=[token + "x"])).status_code == NOT_FOUND
    # Signed-in staff of another organization get nothing more from it either.
    other = world_ready["other_org_admin"].http()
    assert other.get(reverse("lmns:detail", args=[dana_letter.pk])).status_code == NOT_FOUND
