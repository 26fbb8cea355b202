"""Reading facilities: scoping, access and the list."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.clients.access import as_actor, as_pk, may_edit_directory, sees_directory
from fitclaim.facilities.models import Facility


def facilities_visible_to(actor_or_user: Any) -> QuerySet[Facility]:
    """The organization's facilities, for staff; nothing for the client portal."""
    actor = as_actor(actor_or_user)
    if not sees_directory(actor):
        return Facility.objects.none()
    return Facility.objects.filter(organization_id=actor.membership.organization_id)


def access_facility(actor_or_user: Any, facility_id: Any, *, write: bool = False) -> Facility:
    """The facility, if the actor may see it (and change it, with write=True); else 404."""
    actor = as_actor(actor_or_user)
    facility = facilities_visible_to(actor).filter(pk=as_pk(facility_id)).first()
    if facility is None or (write and not may_edit_directory(actor)):
        raise Http404("not found")
    return facility


def facility_list(*, actor: Actor, search: str = "") -> QuerySet[Facility]:
    facilities = facilities_visible_to(actor)
    search = search.strip()
    if search:
        query = Q()
        for word in search.split():
            query &= Q(name__icontains=word) | Q(address__icontains=word) | Q(phone__icontains=word)
        facilities = facilities.filter(query)
    return facilities
