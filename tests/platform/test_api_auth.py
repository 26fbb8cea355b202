"""API authentication: personal tokens (Bearer) or the browser session with CSRF.

Each test calls the API the way an integration or the pages would."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from fitclaim.accounts.models import ApiToken, Membership, User
from fitclaim.accounts.services import api_token_create, api_token_revoke, user_create
from fitclaim.api.auth import request_actor
from fitclaim.audit.models import AuditEvent
from tests.platform.conftest import Persona


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_authenticates_as_its_owner(trainer: Persona) -> None:
    _, raw = api_token_create(actor=trainer.actor(), name="EHR sync")
    response = Client().get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "user": {
            "id": trainer.user.pk,
            "email": trainer.email,
            "first_name": "Sam",
            "last_name": "Ortiz",
        },
        "organization": {"id": trainer.organization.pk, "name": trainer.organization.name},
        "role": "trainer",
        "client_id": None,
    }


def test_using_a_token_records_when_it_was_last_used(trainer: Persona) -> None:
    token, raw = api_token_create(actor=trainer.actor(), name="EHR sync")
    assert token.last_used_at is None
    Client().get("/api/v1/me", **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < dt.timedelta(minutes=1)


def test_a_revoked_token_is_refused(trainer: Persona) -> None:
    token, raw = api_token_create(actor=trainer.actor(), name="old script")
    api_token_revoke(actor=trainer.actor(), token=token)
    response = Client().get("/api/v1/me", **bearer(raw))
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked API token"}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("raw", ["fc_not-a-real-token", "something-else", ""])
def test_an_unknown_token_is_refused(db: None, raw: str) -> None:
    response = Client().get("/api/v1/me", **bearer(raw))
    assert response.status_code == 401


def test_a_deactivated_users_token_is_refused(trainer: Persona) -> None:
    _, raw = api_token_create(actor=trainer.actor(), name="EHR sync")
    User.objects.filter(pk=trainer.user.pk).update(is_active=False)
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401


def test_a_bad_token_does_not_fall_back_on_the_session(trainer: Persona) -> None:
    response = trainer.client().get("/api/v1/me", **bearer("fc_wrong"))
    assert response.status_code == 401


def test_no_credentials_answer_401(db: None) -> None:
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_the_signed_in_session_reads_the_api(trainer: Persona) -> None:
    response = trainer.client().get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["role"] == "trainer"


def test_session_writes_need_the_csrf_token(trainer: Persona) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer.user)
    body = json.dumps({"name": "from the page"})
    refused = client.post("/api/v1/tokens", body, content_type="application/json")
    assert refused.status_code == 403
    assert not ApiToken.objects.exists()

    client.get("/settings/")  # the page sets the CSRF cookie, as a browser would get it
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/tokens", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert accepted.status_code == 201


def test_token_writes_need_no_csrf_token(trainer: Persona) -> None:
    _, raw = api_token_create(actor=trainer.actor(), name="EHR sync")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/tokens",
        json.dumps({"name": "second"}),
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 201


def test_tokens_are_created_listed_and_revoked_through_the_api(trainer: Persona) -> None:
    client = trainer.client()
    created = client.post(
        "/api/v1/tokens", json.dumps({"name": "reporting"}), content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    raw = body["token"]
    assert raw.startswith("fc_") and raw.startswith(body["hint"])
    assert ApiToken.objects.get(pk=body["id"]).token_hash != raw

    listed = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["reporting"]
    assert "token" not in listed[0]

    revoked = client.post(f"/api/v1/tokens/{body['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401
    assert AuditEvent.objects.filter(entity="api_token", via="api").count() == 2


def test_another_persons_token_answers_404(trainer: Persona, admin: Persona) -> None:
    token, _ = api_token_create(actor=trainer.actor(), name="mine")
    response = admin.client().post(f"/api/v1/tokens/{token.pk}/revoke")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


def test_a_user_without_an_organization_gets_404(db: None) -> None:
    loner = user_create(email="loner@example.test", password="Whatever-pass-123")
    client = Client()
    client.force_login(loner)
    response = client.get("/api/v1/me")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


def test_request_actor_is_the_token_owner_acting_through_the_api(trainer: Persona) -> None:
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "10.0.0.7"
    request.auth = trainer.user  # type: ignore[attr-defined]
    request.user = trainer.user
    actor = request_actor(request)
    assert actor.user == trainer.user
    assert actor.membership == Membership.objects.get(user=trainer.user)
    assert actor.via == "api"
    assert actor.ip == "10.0.0.7"
