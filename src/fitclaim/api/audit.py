"""/audit: the organization's audit trail, for its admins (anyone else: 404)."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import model_validator
from pydantic_core import PydanticCustomError

from fitclaim.api.auth import request_actor
from fitclaim.audit.models import AuditAction, AuditEvent
from fitclaim.audit.selectors import AuditFilter, audit_events

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_label: str = Field(description="the email of who acted, or what was typed")
    action: str
    entity: str
    entity_id: str
    client_id: int | None
    summary: str
    changes: dict[str, Any]
    ip: str | None
    via: str


class AuditQuery(Schema):
    actor_id: int | None = Field(None, description="the user who acted")
    action: AuditAction | None = None
    entity: str | None = Field(None, examples=["client"])
    client_id: int | None = None
    date_from: dt.date | None = Field(None, description="from this local date, inclusive")
    date_to: dt.date | None = Field(None, description="to this local date, inclusive")

    @model_validator(mode="after")
    def dates_in_order(self) -> "AuditQuery":
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise PydanticCustomError("date_order", "date_to is before date_from")
        return self


@router.get("", response=list[AuditEventOut], summary="List audit events")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def audit_list(request: HttpRequest, filters: Query[AuditQuery]) -> QuerySet[AuditEvent]:
    actor = request_actor(request)
    return audit_events(
        actor=actor,
        where=AuditFilter(
            actor_id=filters.actor_id,
            action=filters.action.value if filters.action else "",
            entity=filters.entity or "",
            client_id=filters.client_id,
            date_from=filters.date_from,
            date_to=filters.date_to,
        ),
    )
