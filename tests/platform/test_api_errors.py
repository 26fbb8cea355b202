"""API errors are JSON that name the field; 404 hides what the caller may not see."""

from __future__ import annotations

import json
import re

from django.test import Client

from tests.platform.conftest import Persona


def test_a_schema_error_names_the_field(trainer: Persona) -> None:
    response = trainer.client().post(
        "/api/v1/tokens", json.dumps({"name": ""}), content_type="application/json"
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "name"
    assert error["loc"] == ["body", "payload", "name"]
    assert "at least 1 character" in error["msg"]


def test_a_missing_field_is_named_too(trainer: Persona) -> None:
    response = trainer.client().post("/api/v1/tokens", "{}", content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["name"]


def test_a_query_parameter_error_names_the_parameter(admin: Persona) -> None:
    response = admin.client().get("/api/v1/audit?client_id=seven")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "client_id"
    assert error["loc"] == ["query", "client_id"]


def test_a_rule_across_fields_is_reported_as_such(admin: Persona) -> None:
    response = admin.client().get("/api/v1/audit?date_from=2026-03-02&date_to=2026-03-01")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "date_to is before date_from"


def test_a_service_refusal_has_the_same_shape(trainer: Persona) -> None:
    # Blank after trimming: the schema accepts it, the service refuses it.
    response = trainer.client().post(
        "/api/v1/tokens", json.dumps({"name": "   "}), content_type="application/json"
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "name"
    assert error["loc"] == ["body", "payload", "name"]


def test_a_missing_record_is_json_404(trainer: Persona) -> None:
    response = trainer.client().post("/api/v1/tokens/999999/revoke")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


def test_an_out_of_role_operation_answers_404_not_403(trainer: Persona, billing: Persona) -> None:
    for persona in (trainer, billing):
        response = persona.client().get("/api/v1/audit")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found"}


def test_docs_are_served_without_any_cdn(db: None) -> None:
    client = Client()
    page = client.get("/api/v1/docs")
    html = page.content.decode()
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for url in assets:
        assert url.startswith("/api/v1/docs/assets/"), url
        assert client.get(url).status_code == 200
    assert "cdn" not in html.lower()


def test_docs_serve_only_the_known_files(db: None) -> None:
    client = Client()
    assert client.get("/api/v1/docs/assets/redoc.standalone.js.map").status_code == 404
    assert client.get("/api/v1/docs/assets/__init__.py").status_code == 404


def test_openapi_schema_lists_both_ways_to_authenticate(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert schemes["BrowserSessionAuth"]["in"] == "cookie"
    assert "/api/v1/me" in schema["paths"]
    assert "/api/v1/docs/assets/{name}" not in schema["paths"]


def test_an_unknown_api_path_answers_json_not_found(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}
    assert client.get("/api/v2/clients").json() == {"detail": "Not found"}
