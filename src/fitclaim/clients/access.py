"""Who may see and change which records: the roles, in one place.

The `access_*` functions (one per entity, in each app's selectors.py) fetch a
record and check these rules in the same step, and every page and endpoint goes
through them. A record the actor may not see answers 404, never 403: whether a
record exists in another organization is itself not theirs to know.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Role


def as_actor(actor_or_user: Any) -> Actor:
    """The Actor for an Actor or a signed-in User (acting under their default
    membership). Anything else has no records to see."""
    if isinstance(actor_or_user, Actor):
        return actor_or_user
    user = actor_or_user
    if user is None or not getattr(user, "is_authenticated", False):
        raise Http404("not found")
    from fitclaim.accounts.selectors import membership_for_user

    membership = membership_for_user(user)
    if membership is None:
        raise Http404("not found")
    return Actor(user=user, membership=membership, via="system")


def as_pk(value: Any) -> int:
    """A primary key from a URL or payload; anything that is not one is simply not found."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404("not found") from None
    if pk <= 0:
        raise Http404("not found")
    return pk


def sees_all_clients(actor: Actor) -> bool:
    return actor.role in (Role.ADMIN, Role.BILLING)


def may_create_clients(actor: Actor) -> bool:
    """Admins and billing; trainers too, and the client is assigned to them."""
    return actor.role in (Role.ADMIN, Role.BILLING, Role.TRAINER)


def may_edit_visible_clients(actor: Actor) -> bool:
    """Whether the actor may change the clients they can see (and their funding
    sources). A trainer sees only assigned clients, so this is "assigned" for
    them; the client portal is read-only."""
    return actor.role in (Role.ADMIN, Role.BILLING, Role.TRAINER)


def may_create_portal_logins(actor: Actor) -> bool:
    return actor.role == Role.ADMIN


def sees_directory(actor: Actor) -> bool:
    """Trainers, providers and facilities are the organization's staff-side
    directory: staff see it, the client portal does not."""
    return actor.role in (Role.ADMIN, Role.BILLING, Role.TRAINER)


def may_edit_directory(actor: Actor) -> bool:
    return actor.role in (Role.ADMIN, Role.BILLING)


def check_directory(actor: Actor, *, write: bool = False) -> Actor:
    """The staff-side directory (trainers, providers, facilities) on every way in:
    staff read it, admins and billing change it, anyone else finds nothing."""
    if not sees_directory(actor) or (write and not may_edit_directory(actor)):
        raise Http404("not found")
    return actor
