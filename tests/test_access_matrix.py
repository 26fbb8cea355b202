"""The access matrix: every page and every API operation, against every persona.

Each URL pattern and each OpenAPI operation must have an expectation here; a new
page or endpoint without one fails `test_every_url_has_an_expectation` (and its
API twin), so nothing escapes the matrix. An expectation names, per persona,
whether the request is allowed ("ok": anything but 401/403/404 and no server
error) or refused ("404", or for anonymous visitors the sign-in redirect / 401).

Requests run inside a savepoint that is rolled back, so one persona's POST
never changes what the next persona sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver

from fitclaim.accounts.services import api_token_create
from fitclaim.audit.models import AuditEvent
from fitclaim.audit.services import audit_record
from tests.records.conftest import PERSONAS, World, fast_password_hashing, world  # noqa: F401

OK, NOT_FOUND = "ok", "404"

# Who may do what, by the roles of PRODUCT.md and the foundation issue. The
# record under test always belongs to Riverbend: Dana (assigned to Sam, the
# "trainer_assigned"; she is "client_self").
CLIENT_READ = {"admin", "billing", "trainer_assigned", "client_self"}
CLIENT_WRITE = {"admin", "billing", "trainer_assigned"}
CLIENT_ADMIN = {"admin"}
STAFF = {"admin", "billing", "trainer_assigned", "trainer_not_assigned"}
DIRECTORY_WRITE = {"admin", "billing"}
SIGNED_IN = set(PERSONAS) - {"anonymous"}
EVERYONE = set(PERSONAS)
ORG_LISTS = STAFF | {"other_org_admin"}  # a list of one's own organization
ORG_ADMINS = {"admin", "other_org_admin"}


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    method: str = "get"
    # For lists: a text of Dana's record (or of Riverbend) that must not appear
    # for the allowed personas outside its scope.
    hidden_text: str = ""
    hidden_from: frozenset[str] = frozenset({"other_org_admin"})
    # A valid body for API writes, so the refusal is about access, not the input.
    body: dict[str, Any] | None = None


def rule(
    allowed: set[str],
    method: str = "get",
    hidden_text: str = "",
    *,
    hidden_from: set[str] | None = None,
    body: dict[str, Any] | None = None,
) -> Rule:
    hidden = frozenset(hidden_from) if hidden_from is not None else frozenset({"other_org_admin"})
    return Rule(frozenset(allowed), method, hidden_text, hidden, body)


# A list of clients shows each persona the clients they may read.
NOT_DANAS = {"trainer_not_assigned", "another_client", "other_org_admin"}


# --------------------------------------------------------------------------- pages

PAGE_RULES: dict[str, Rule] = {
    "home": rule(SIGNED_IN),
    "login": rule(EVERYONE),
    "logout": rule(SIGNED_IN, "post"),
    "password_change": rule(SIGNED_IN),
    "password_change_done": rule(SIGNED_IN),
    "password_reset": rule(EVERYONE),
    "password_reset_done": rule(EVERYONE),
    "password_reset_confirm": rule(EVERYONE),
    "password_reset_complete": rule(EVERYONE),
    "settings": rule(SIGNED_IN),
    "settings_profile": rule(SIGNED_IN, "post"),
    "settings_token_create": rule(SIGNED_IN, "post"),
    "settings_token_revoke": rule(SIGNED_IN, "post"),
    "settings_organization": rule(ORG_ADMINS, "post"),
    "settings_member_invite": rule(ORG_ADMINS, "post"),
    "settings_member_role": rule(CLIENT_ADMIN, "post"),
    "settings_member_remove": rule(CLIENT_ADMIN, "post"),
    "audit:list": rule(ORG_ADMINS, hidden_text="riverbend-marker"),
    "audit:detail": rule(CLIENT_ADMIN),
    "clients:list": rule(SIGNED_IN, hidden_text="Reyes", hidden_from=NOT_DANAS),
    "clients:create": rule(ORG_LISTS),
    "clients:detail": rule(CLIENT_READ),
    "clients:edit": rule(CLIENT_WRITE),
    "clients:portal_login": rule(CLIENT_ADMIN, "post"),
    "clients:funding:create": rule(CLIENT_WRITE),
    "clients:funding:edit": rule(CLIENT_WRITE),
    "clients:funding:delete": rule(CLIENT_WRITE, "post"),
    "clients:funding:preferences": rule(CLIENT_WRITE),
    "trainers:list": rule(ORG_LISTS, hidden_text="Sam Ortiz"),
    "trainers:create": rule(DIRECTORY_WRITE | {"other_org_admin"}),
    "trainers:detail": rule(STAFF),
    "trainers:edit": rule(DIRECTORY_WRITE),
    "trainers:credential_create": rule(DIRECTORY_WRITE),
    "trainers:credential_edit": rule(DIRECTORY_WRITE),
    "trainers:credential_delete": rule(DIRECTORY_WRITE, "post"),
    "providers:list": rule(ORG_LISTS, hidden_text="Ana Lee"),
    "providers:create": rule(DIRECTORY_WRITE | {"other_org_admin"}),
    "providers:detail": rule(STAFF),
    "providers:edit": rule(DIRECTORY_WRITE),
    "facilities:list": rule(ORG_LISTS, hidden_text="Main Studio"),
    "facilities:create": rule(DIRECTORY_WRITE | {"other_org_admin"}),
    "facilities:detail": rule(STAFF),
    "facilities:edit": rule(DIRECTORY_WRITE),
    # The API's own pages: the schema and its documentation.
    "api-v1:openapi-json": rule(EVERYONE),
    "api-v1:openapi-view": rule(EVERYONE),
    "api-v1:docs_asset": rule(EVERYONE),
}

# URL patterns served by Django's admin (staff accounts only) and the API
# operations (covered by API_RULES below).
SKIPPED_PREFIXES = ("admin/", "api/v1/")
API_PAGES = {"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:docs_asset"}
# Answers 404 to everyone by design (an unknown API path): nothing to scope.
NOT_PAGES = {"api_not_found"}


def url_patterns() -> list[tuple[str, str]]:
    """(route, name) of every URL pattern, names with their namespaces."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Any:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                yield prefix + str(entry.pattern), name or ""

    found = []
    for route, name in walk(get_resolver().url_patterns, "", ""):
        if name in NOT_PAGES:
            continue
        if name in API_PAGES or not route.startswith(SKIPPED_PREFIXES):
            found.append((route, name))
    return found


# --------------------------------------------------------------------------- api

API_RULES: dict[tuple[str, str], Rule] = {
    ("get", "/api/v1/me"): rule(SIGNED_IN),
    ("get", "/api/v1/tokens"): rule(SIGNED_IN),
    ("post", "/api/v1/tokens"): rule(SIGNED_IN, body={"name": "sync"}),
    ("post", "/api/v1/tokens/{token_id}/revoke"): rule(SIGNED_IN),
    ("get", "/api/v1/audit"): rule(ORG_ADMINS, hidden_text="riverbend-marker"),
    ("get", "/api/v1/clients"): rule(SIGNED_IN, hidden_text="Reyes", hidden_from=NOT_DANAS),
    ("post", "/api/v1/clients"): rule(ORG_LISTS, body={"first_name": "Ada", "last_name": "Byrne"}),
    ("get", "/api/v1/clients/{client_id}"): rule(CLIENT_READ),
    ("patch", "/api/v1/clients/{client_id}"): rule(CLIENT_WRITE, body={"phone": "555-0101"}),
    ("post", "/api/v1/clients/{client_id}/portal-login"): rule(CLIENT_ADMIN),
    ("get", "/api/v1/clients/{client_id}/funding-sources"): rule(CLIENT_READ),
    ("post", "/api/v1/clients/{client_id}/funding-sources"): rule(
        CLIENT_WRITE, body={"kind": "hsa", "established": "2025-01-01", "balance": "100.00"}
    ),
    ("get", "/api/v1/clients/{client_id}/funding-sources/{source_id}"): rule(CLIENT_READ),
    ("patch", "/api/v1/clients/{client_id}/funding-sources/{source_id}"): rule(
        CLIENT_WRITE, body={"name": "Renamed FSA"}
    ),
    ("delete", "/api/v1/clients/{client_id}/funding-sources/{source_id}"): rule(CLIENT_WRITE),
    ("get", "/api/v1/clients/{client_id}/funding-sources/{source_id}/engine-input"): rule(
        CLIENT_READ
    ),
    ("put", "/api/v1/clients/{client_id}/funding-preferences"): rule(
        CLIENT_WRITE, body={"strategy": "preserve_hsa"}
    ),
    ("get", "/api/v1/trainers"): rule(ORG_LISTS, hidden_text="Sam Ortiz"),
    ("post", "/api/v1/trainers"): rule(
        DIRECTORY_WRITE | {"other_org_admin"}, body={"name": "Lee Park"}
    ),
    ("get", "/api/v1/trainers/{trainer_id}"): rule(STAFF),
    ("patch", "/api/v1/trainers/{trainer_id}"): rule(DIRECTORY_WRITE, body={"phone": "555"}),
    ("post", "/api/v1/trainers/{trainer_id}/credentials"): rule(
        DIRECTORY_WRITE, body={"code": "ACE-MES", "expires": "2030-01-01"}
    ),
    ("patch", "/api/v1/trainers/{trainer_id}/credentials/{credential_id}"): rule(
        DIRECTORY_WRITE, body={"number": "A-1"}
    ),
    ("delete", "/api/v1/trainers/{trainer_id}/credentials/{credential_id}"): rule(DIRECTORY_WRITE),
    ("get", "/api/v1/providers"): rule(ORG_LISTS, hidden_text="Ana Lee"),
    ("post", "/api/v1/providers"): rule(
        DIRECTORY_WRITE | {"other_org_admin"},
        body={"name": "Dr. Kay Moss", "kind": "physician", "npi": "1245319599"},
    ),
    ("get", "/api/v1/providers/{provider_id}"): rule(STAFF),
    ("patch", "/api/v1/providers/{provider_id}"): rule(DIRECTORY_WRITE, body={"phone": "555"}),
    ("get", "/api/v1/facilities"): rule(ORG_LISTS, hidden_text="Main Studio"),
    ("post", "/api/v1/facilities"): rule(
        DIRECTORY_WRITE | {"other_org_admin"}, body={"name": "Annex"}
    ),
    ("get", "/api/v1/facilities/{facility_id}"): rule(STAFF),
    ("patch", "/api/v1/facilities/{facility_id}"): rule(DIRECTORY_WRITE, body={"phone": "555"}),
}


def api_operations() -> list[tuple[str, str]]:
    from fitclaim.api.v1 import api

    schema = api.get_openapi_schema()
    return [
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]


# --------------------------------------------------------------------------- arguments

ArgumentMaker = Callable[[World, str], Any]


def _audit_event(w: World, persona: str) -> int:
    event = AuditEvent.objects.filter(organization=w.riverbend).first()
    assert event is not None
    return event.pk


def _own_token(w: World, persona: str) -> int:
    from fitclaim.accounts.models import ApiToken

    user = w[persona].user
    token = ApiToken.objects.filter(user=user).first() if user else None
    return token.pk if token else 999_999


ARGUMENTS: dict[str, ArgumentMaker] = {
    "client_id": lambda w, p: w.dana.pk,
    "trainer_id": lambda w, p: w.sam.pk,
    "credential_id": lambda w, p: w.sam.credentials.first().pk,
    "provider_id": lambda w, p: w.provider.pk,
    "facility_id": lambda w, p: w.facility.pk,
    "source_id": lambda w, p: w.dana_fsa.pk,
    "sid": lambda w, p: w.dana_fsa.pk,
    "event_id": _audit_event,
    "membership_id": lambda w, p: w["billing"].membership.pk,
    "token_id": _own_token,
    "uidb64": lambda w, p: "MQ",
    "token": lambda w, p: "set-password",
    "name": lambda w, p: "swagger-ui.css",
}


# Each app's rows live beside its tests, as plain data merged here.
from tests.lmns.access_rules import LMN_API, LMN_ARGUMENTS, LMN_PAGES  # noqa: E402

PAGE_RULES.update({name: rule(**spec) for name, spec in LMN_PAGES.items()})
API_RULES.update({key: rule(**spec) for key, spec in LMN_API.items()})
ARGUMENTS.update(LMN_ARGUMENTS)

from tests.training.access_matrix import matrix_entries  # noqa: E402

_pages, _api, _arguments = matrix_entries(
    rule,
    client_read=CLIENT_READ,
    client_write=CLIENT_WRITE,
    org_lists=ORG_LISTS,
    signed_in=SIGNED_IN,
)
PAGE_RULES.update(_pages)
API_RULES.update(_api)
ARGUMENTS.update(_arguments)

from tests.coverage.access_rules import COVERAGE_API, COVERAGE_PAGES  # noqa: E402

PAGE_RULES.update({name: rule(**spec) for name, spec in COVERAGE_PAGES.items()})
API_RULES.update({key: rule(**spec) for key, spec in COVERAGE_API.items()})

from tests.claims.access_matrix import matrix_entries as claims_entries  # noqa: E402

_pages, _api, _arguments = claims_entries(
    rule,
    client_read=CLIENT_READ,
    client_write=CLIENT_WRITE,
    org_lists=ORG_LISTS,
    signed_in=SIGNED_IN,
)
PAGE_RULES.update(_pages)
API_RULES.update(_api)
ARGUMENTS.update(_arguments)


def fill(route: str, w: World, persona: str) -> str:
    """The concrete path of a Django route or an OpenAPI path for this w."""

    def value(match: re.Match[str]) -> str:
        key = match.group(1).split(":")[-1]
        if key not in ARGUMENTS:
            raise AssertionError(f"no argument maker for {key!r} in {route}")
        return str(ARGUMENTS[key](w, persona))

    path = re.sub(r"<([^>]+)>", value, route)
    path = re.sub(r"\{([^}]+)\}", value, path)
    return path if path.startswith("/") else "/" + path


# --------------------------------------------------------------------------- checks


def _refused(status: int, persona: str, response: Any, *, api: bool) -> bool:
    if persona == "anonymous":
        if api:
            return status == 401
        return status == 302 and "/login/" in response.get("Location", "")
    return status == 404


def _check(w: World, persona: str, method: str, path: str, rule_: Rule, *, api: bool) -> str:
    """'' when the persona's answer matches the rule, else a description of the mismatch."""
    client = HttpClient()
    headers: dict[str, str] = {}
    user = w[persona].user
    if user is not None:
        if api:
            headers["Authorization"] = f"Bearer {TOKENS[persona]}"
        else:
            client.force_login(user)
    with transaction.atomic():
        kwargs: dict[str, Any] = {"headers": headers}
        if api and method in {"post", "put", "patch"}:
            kwargs.update(data=json.dumps(rule_.body or {}), content_type="application/json")
        response = getattr(client, method)(path, **kwargs)
        transaction.set_rollback(True)
    status = response.status_code
    expected_ok = persona in rule_.allowed
    if status >= 500:
        return f"{persona}: {method.upper()} {path} -> {status} (server error)"
    refused = _refused(status, persona, response, api=api)
    if expected_ok and (refused or status in (401, 403, 404)):
        return f"{persona}: {method.upper()} {path} -> {status}, expected access"
    if not expected_ok and not refused:
        return f"{persona}: {method.upper()} {path} -> {status}, expected refusal"
    if expected_ok and rule_.hidden_text and persona in rule_.hidden_from:
        if rule_.hidden_text in response.content.decode(errors="replace"):
            return f"{persona}: {path} shows {rule_.hidden_text!r}, outside its scope"
    return ""


def _mark_riverbend(w: World) -> None:
    audit_record(
        actor=w["admin"].actor(),
        action="view",
        entity="client",
        entity_id=w.dana.pk,
        client_id=w.dana.pk,
        summary="riverbend-marker",
    )


TOKENS: dict[str, str] = {}


@pytest.fixture
def matrix_world(world: World) -> World:  # noqa: F811
    _mark_riverbend(world)
    for persona in PERSONAS:
        if world[persona].user is not None:
            _, TOKENS[persona] = api_token_create(actor=world[persona].actor(), name="matrix")
    return world


def test_every_url_has_an_expectation():
    missing = sorted(name or route for route, name in url_patterns() if name not in PAGE_RULES)
    assert missing == [], f"add these pages to the access matrix: {missing}"


def test_every_api_operation_has_an_expectation():
    missing = sorted(f"{m.upper()} {p}" for m, p in api_operations() if (m, p) not in API_RULES)
    assert missing == [], f"add these API operations to the access matrix: {missing}"


@pytest.mark.parametrize("route_name", sorted(PAGE_RULES))
def test_page_access_by_persona(matrix_world: World, route_name: str):
    routes = {name: route for route, name in url_patterns()}
    assert route_name in routes, f"{route_name} is in the matrix but not a URL any more"
    rule_ = PAGE_RULES[route_name]
    problems = [
        _check(
            matrix_world,
            persona,
            rule_.method,
            fill(routes[route_name], matrix_world, persona),
            rule_,
            api=False,
        )
        for persona in PERSONAS
    ]
    assert [p for p in problems if p] == []


@pytest.mark.parametrize(("method", "path"), sorted(API_RULES))
def test_api_access_by_persona(matrix_world: World, method: str, path: str):
    rule_ = API_RULES[(method, path)]
    problems = [
        _check(matrix_world, persona, method, fill(path, matrix_world, persona), rule_, api=True)
        for persona in PERSONAS
    ]
    assert [p for p in problems if p] == []
