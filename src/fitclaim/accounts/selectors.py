from __future__ import annotations

from typing import Any

from fitclaim.accounts.models import Membership


def membership_for_user(user: Any, *, preferred_org_id: int | None = None) -> Membership | None:
    """The membership a user acts under: the organization chosen in the session,
    else the oldest one. A user with no membership sees no records."""
    memberships = Membership.objects.select_related("organization", "client").filter(user=user)
    if preferred_org_id is not None:
        chosen = memberships.filter(organization_id=preferred_org_id).first()
        if chosen is not None:
            return chosen
    return memberships.order_by("created_at", "pk").first()
