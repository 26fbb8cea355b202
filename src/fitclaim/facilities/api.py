"""/api/v1/facilities: where training happens (staff only)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from fitclaim.clients.access import check_directory
from fitclaim.clients.api_support import STRICT, api_actor, field_errors
from fitclaim.facilities.models import Facility
from fitclaim.facilities.selectors import access_facility, facility_list
from fitclaim.facilities.services import facility_create, facility_update

router = Router(tags=["facilities"])


class FacilityOut(Schema):
    id: int
    name: str
    address: str
    phone: str


class FacilityIn(Schema):
    model_config = STRICT

    name: str = Field(max_length=200)
    address: str = ""
    phone: str = ""


class FacilityPatch(Schema):
    model_config = STRICT

    name: str | None = Field(None, max_length=200)
    address: str | None = None
    phone: str | None = None


@router.get("", response=list[FacilityOut], summary="List facilities")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def facility_list_api(request: HttpRequest, q: str = "") -> QuerySet[Facility]:
    return facility_list(actor=check_directory(api_actor(request)), search=q)


@router.post("", response={201: FacilityOut}, summary="Add a facility (admin, billing)")
def facility_create_api(request: HttpRequest, payload: FacilityIn) -> Status[Facility]:
    with field_errors():
        facility = facility_create(by=api_actor(request), **payload.dict())
    return Status(201, facility)


@router.get("/{facility_id}", response=FacilityOut, summary="A facility")
def facility_detail_api(request: HttpRequest, facility_id: int) -> Facility:
    return access_facility(api_actor(request), facility_id)


@router.patch("/{facility_id}", response=FacilityOut, summary="Change a facility (admin, billing)")
def facility_update_api(request: HttpRequest, facility_id: int, payload: FacilityPatch) -> Facility:
    actor = api_actor(request)
    facility = access_facility(actor, facility_id, write=True)
    with field_errors():
        return facility_update(by=actor, facility=facility, data=payload.dict(exclude_unset=True))
