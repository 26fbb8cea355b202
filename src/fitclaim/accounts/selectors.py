"""Reads for accounts: memberships, members of an organization, API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from fitclaim.accounts.models import ApiToken, Membership, Role

if TYPE_CHECKING:
    from fitclaim.accounts.actor import Actor


def membership_for_user(user: Any, *, preferred_org_id: int | None = None) -> Membership | None:
    """The membership a user acts under: the organization chosen in the session,
    else the oldest one. A user with no membership sees no records."""
    memberships = Membership.objects.select_related("organization", "client").filter(user=user)
    if preferred_org_id is not None:
        chosen = memberships.filter(organization_id=preferred_org_id).first()
        if chosen is not None:
            return chosen
    return memberships.order_by("created_at", "pk").first()


def organization_members(*, actor: Actor) -> QuerySet[Membership]:
    """Everyone in the actor's organization, staff first, then client-portal users.
    Only admins manage members; anyone else gets a 404."""
    if not actor.membership.is_admin:
        raise Http404("not an organization admin")
    return (
        Membership.objects.filter(organization=actor.organization)
        .select_related("user", "client")
        .order_by("user__last_name", "user__first_name", "user__email", "pk")
    )


def staff_members(*, actor: Actor) -> QuerySet[Membership]:
    return organization_members(actor=actor).exclude(role=Role.CLIENT)


def portal_members(*, actor: Actor) -> QuerySet[Membership]:
    return organization_members(actor=actor).filter(role=Role.CLIENT)


def access_membership(*, actor: Actor, membership_id: int) -> Membership:
    """A membership of the actor's organization, for an admin to change; else 404."""
    membership = organization_members(actor=actor).filter(pk=membership_id).first()
    if membership is None:
        raise Http404("no such member")
    return membership


def api_tokens_for_user(*, user: Any) -> QuerySet[ApiToken]:
    """A person's tokens, newest first, revoked ones included (they show when and
    that they were revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def access_api_token(*, actor: Actor, token_id: int) -> ApiToken:
    """One of the actor's own tokens; a token of anyone else answers 404, even for
    an admin: tokens are personal."""
    token = api_tokens_for_user(user=actor.user).filter(pk=token_id).first()
    if token is None:
        raise Http404("no such token")
    return token
