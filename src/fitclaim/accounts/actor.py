"""Who is acting: the user, their membership (organization and role), and from where.

Every service that reads or changes records takes an Actor, whether the call came
from a page, the API or the command line, so scoping and the audit trail are the
same on every way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest

if TYPE_CHECKING:
    from fitclaim.accounts.models import Membership, Organization, User


@dataclass(frozen=True)
class Actor:
    user: User
    membership: Membership
    ip: str | None = None
    via: str = "web"

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    @property
    def role(self) -> str:
        return self.membership.role


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def actor_from_request(request: HttpRequest, *, via: str = "web") -> Actor:
    """The actor of a signed-in request. A user without a membership has no records
    to see, so every record page answers 404 for them."""
    membership = getattr(request, "membership", None)
    if membership is None and request.user.is_authenticated:
        from fitclaim.accounts.selectors import membership_for_user

        membership = membership_for_user(request.user)
    if membership is None:
        raise Http404("no organization")
    return Actor(user=request.user, membership=membership, ip=client_ip(request), via=via)  # type: ignore[arg-type]


def actor_for_email(email: str, *, organization_id: int | None = None) -> Actor:
    """The actor a command-line invocation runs as (--user or FITCLAIM_USER)."""
    from fitclaim.accounts.models import User
    from fitclaim.accounts.selectors import membership_for_user

    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise LookupError(f"no active user with email {email}")
    membership = membership_for_user(user, preferred_org_id=organization_id)
    if membership is None:
        raise LookupError(f"{email} belongs to no organization")
    return Actor(user=user, membership=membership, ip=None, via="cli")
