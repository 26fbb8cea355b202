"""/api/v1/clients/{client_id}/coverage: the engine's result for a client, exactly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from fitclaim.api.auth import request_actor
from fitclaim.coverage.selectors import CoverageFailed, coverage_json_for_view

router = Router(tags=["coverage"])


class CoverageFailedOut(Schema):
    detail: str
    problems: list[str] = Field(description="one `PATH: message` line per problem of the case")


@router.get(
    "/clients/{client_id}/coverage",
    response={200: dict[str, Any], 500: CoverageFailedOut},
    summary="A client's coverage: the engine's result",
    description=(
        'The reimbursement engine\'s result (shared/ENGINE.md, "Output: a result") for '
        "the client's case as of a date, exactly as `fitclaim adjudicate` prints it for "
        "`fitclaim case export CLIENT --as-of DATE`: every session against every funding "
        "source (payable amount and claim deadline, or the reasons it is not payable), "
        "totals, what is left and the actions that would unlock money. Ids are engine ids: "
        "`ses-<session id>`, `src-<funding source id>`, `lmn-<letter id>`, `pa-<id>`. "
        "Admins and billing see every client of the organization, trainers their assigned "
        "clients, a client-portal user only themself; anything else is 404. Every call is "
        "in the audit trail. A 500 names the problems if the engine refuses the case built "
        "from the stored records (a fault in fitclaim)."
    ),
)
def client_coverage(
    request: HttpRequest,
    client_id: int,
    as_of: dt.date | None = Query(  # type: ignore[type-arg]  # noqa: B008 (ninja's way)
        None, description="the day of the decision (YYYY-MM-DD); default: today"
    ),
) -> HttpResponse:
    actor = request_actor(request)
    as_of = as_of or timezone.localdate()
    try:
        data = coverage_json_for_view(by=actor, client_id=client_id, as_of=as_of)
    except CoverageFailed as exc:
        body = {
            "detail": "The case built from this client's records is not valid for the engine. "
            "This is a fault in fitclaim; the problems are listed.",
            "problems": exc.problems,
        }
        return HttpResponse(orjson.dumps(body), status=500, content_type="application/json")
    return HttpResponse(data, content_type="application/json")
