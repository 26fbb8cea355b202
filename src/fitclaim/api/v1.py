"""The REST API, version 1, at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs).

Errors are always JSON with a `detail`:
- 422: `{"detail": [{"loc": [...], "field": "birth_date", "msg": "...", "type": "..."}]}`
  where `field` is the dotted path of the offending field inside the request;
- 404: `{"detail": "Not found"}`, also for records of another organization and for
  anything the caller's role may not do (so nobody learns what exists);
- 401: `{"detail": "..."}` without valid credentials (see fitclaim.api.auth).
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel

from fitclaim.api import accounts, audit
from fitclaim.api.auth import AUTH
from fitclaim.api.docs import LocalSwagger, docs_asset

NOT_FOUND = {"detail": "Not found"}


class FitclaimAPI(NinjaAPI):
    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> NinjaValidationError:
        """Ninja's errors, each with a `field`: the dotted path a person would
        name (`address.city`), without the location or the parameter's name."""
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            source = model.__ninja_param_source__
            for error in context.pydantic_validation_error.errors(include_url=False):
                path = tuple(error["loc"])
                # Query, path and header parameters are flattened into one model;
                # the reverse map gives the name the caller actually sent.
                full = model.__ninja_flatten_map_reverse__.get(path, path)
                field_path = list(full)
                # A body schema arrives as one parameter (`payload`): its name is
                # ours, not the caller's, so the field path starts inside it.
                if source == "body" and field_path and _is_schema(model, field_path[0]):
                    field_path = field_path[1:]
                errors.append(
                    {
                        "loc": [source, *full],
                        "field": ".".join(str(part) for part in field_path) or None,
                        "msg": _plain_message(error["msg"]),
                        "type": error["type"],
                    }
                )
        return NinjaValidationError(errors)


def _is_schema(model: Any, name: object) -> bool:
    field = model.model_fields.get(name) if isinstance(name, str) else None
    annotation = getattr(field, "annotation", None)
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _plain_message(message: str) -> str:
    # pydantic prefixes custom errors with "Value error, "; the caller needs the rule.
    return message.removeprefix("Value error, ")


api = FitclaimAPI(
    title="fitclaim API",
    version="1",
    description=(
        "Records, coverage and claims of one organization. Authenticate with a personal "
        "API token (`Authorization: Bearer fc_...`, created on the Settings page) or, "
        "from the app's own pages, the signed-in session with its CSRF token."
    ),
    urls_namespace="api-v1",
    docs=LocalSwagger(),
    docs_url="/docs",
    auth=AUTH,
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, NOT_FOUND, status=404)


@api.exception_handler(PermissionDenied)
@api.exception_handler(AuthorizationError)
def forbidden_as_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Saying "forbidden" would confirm the record exists; other organizations'
    # records and out-of-role operations look exactly like missing ones.
    return api.create_response(request, NOT_FOUND, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    response["WWW-Authenticate"] = 'Bearer realm="fitclaim"'
    return response


@api.exception_handler(DjangoValidationError)
def invalid_input(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the input: the same shape as a schema error."""
    detail: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            named = None if field == NON_FIELD_ERRORS else field
            for message in messages:
                # The same loc as ninja's own body errors, so callers parse one shape.
                loc = ["body", "payload", named] if named else ["body"]
                detail.append({"loc": loc, "field": named, "msg": message, "type": "invalid"})
    else:
        detail = [
            {"loc": ["body"], "field": None, "msg": m, "type": "invalid"} for m in exc.messages
        ]
    return api.create_response(request, {"detail": detail}, status=422)


api.add_router("", accounts.router)
api.add_router("/audit", audit.router)
api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs_asset")(
    docs_asset
)

# The records apps each export a `router` from `fitclaim.<app>.api`; an app that
# has none yet is skipped, so this module never depends on their progress. A
# router that fails to import for any other reason fails loudly.
RECORD_ROUTERS = (
    # The coverage read first: it is the most frequent call, and Django's URL
    # resolver does work for every pattern tried before the one that matches,
    # on success too (about 1 microsecond each; it was the 80th of 99). No two
    # routers' paths overlap, so the order changes nothing but this and the
    # order of the OpenAPI document.
    ("", "fitclaim.coverage.api"),
    ("/clients", "fitclaim.clients.api"),
    ("/trainers", "fitclaim.trainers.api"),
    ("/providers", "fitclaim.providers.api"),
    ("/facilities", "fitclaim.facilities.api"),
    # Funding sources belong to a client: /clients/{client_id}/funding...
    ("/clients", "fitclaim.funding.api"),
    # Letters, pre-authorizations, sessions and payments: each router names its
    # own paths (/clients/{client_id}/letters, /letters/{id}, ...).
    ("", "fitclaim.lmns.api"),
    ("", "fitclaim.preauths.api"),
    ("", "fitclaim.training.api"),
    ("", "fitclaim.payments.api"),
    ("", "fitclaim.claims.api"),
)

for prefix, module_name in RECORD_ROUTERS:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module_name.startswith(exc.name):
            raise
        continue
    api.add_router(prefix, module.router)
