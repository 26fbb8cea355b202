"""Reading trainers and their credentials: scoping, access, the list and the engine input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.clients.access import as_actor, as_pk, may_edit_directory, sees_directory
from fitclaim.coverage import engine_ids
from fitclaim.trainers.models import EXPIRY_WARNING_DAYS, Credential, Trainer


def trainers_visible_to(actor_or_user: Any) -> QuerySet[Trainer]:
    """The organization's trainers, for staff; nothing for the client portal."""
    actor = as_actor(actor_or_user)
    if not sees_directory(actor):
        return Trainer.objects.none()
    return Trainer.objects.filter(organization_id=actor.membership.organization_id)


def access_trainer(actor_or_user: Any, trainer_id: Any, *, write: bool = False) -> Trainer:
    """The trainer, if the actor may see it (and change it, with write=True); else 404."""
    actor = as_actor(actor_or_user)
    trainer = trainers_visible_to(actor).filter(pk=as_pk(trainer_id)).first()
    if trainer is None or (write and not may_edit_directory(actor)):
        raise Http404("not found")
    return trainer


def access_credential(
    actor_or_user: Any, trainer_id: Any, credential_id: Any, *, write: bool = False
) -> Credential:
    """A credential of a trainer the actor may see (and change); else 404."""
    trainer = access_trainer(actor_or_user, trainer_id, write=write)
    credential = trainer.credentials.filter(pk=as_pk(credential_id)).first()
    if credential is None:
        raise Http404("not found")
    return credential


def trainer_for_actor(actor: Actor) -> Trainer | None:
    """The trainer record the signed-in user works as in this organization."""
    return Trainer.objects.filter(
        organization_id=actor.membership.organization_id, user_id=actor.user.pk
    ).first()


def _expiring_soon(today: dt.date) -> Exists:
    return Exists(
        Credential.objects.filter(
            trainer_id=OuterRef("pk"),
            expires__gte=today,
            expires__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        )
    )


def trainer_list(*, actor: Actor, today: dt.date, search: str = "") -> QuerySet[Trainer]:
    """Visible trainers with their credentials, client count and the "a credential
    expires within 60 days" flag (`expiring_soon`), in a fixed number of queries."""
    trainers = (
        trainers_visible_to(actor)
        .select_related("user")
        .prefetch_related("credentials")
        .annotate(expiring_soon=_expiring_soon(today), client_count=Count("clients", distinct=True))
    )
    search = search.strip()
    if search:
        query = Q()
        for word in search.split():
            query &= (
                Q(name__icontains=word)
                | Q(email__icontains=word)
                | Q(npi__icontains=word)
                | Q(credentials__code__icontains=word)
            )
        # The credential join may match a trainer twice.
        trainers = trainers.filter(pk__in=Trainer.objects.filter(query).values("pk"))
    return trainers.order_by("name", "pk")


def trainer_get_for_view(*, by: Actor, trainer_id: Any, today: dt.date) -> Trainer:
    trainer = access_trainer(by, trainer_id)
    return (
        Trainer.objects.filter(pk=trainer.pk)
        .select_related("user")
        .prefetch_related("credentials")
        .annotate(expiring_soon=_expiring_soon(today))
        .get()
    )


def staff_users_of(actor: Actor) -> QuerySet[Any]:
    """The organization's staff accounts: who a trainer record may be linked to."""
    from fitclaim.accounts.models import Role, User

    return User.objects.filter(
        memberships__organization_id=actor.membership.organization_id,
        memberships__role__in=[Role.ADMIN, Role.BILLING, Role.TRAINER],
    ).order_by("last_name", "first_name", "email")


def trainer_clients(*, actor: Actor, trainer: Trainer) -> QuerySet[Any]:
    """The trainer's clients that the actor may also see."""
    from fitclaim.clients.selectors import clients_visible_to

    return clients_visible_to(actor).filter(trainers=trainer)


def trainer_engine_input(trainer: Trainer) -> dict[str, Any]:
    """The engine's `trainer` object (ENGINE.md), credentials included."""
    return {
        "id": engine_ids.trainer_id(trainer.pk),
        "name": trainer.name,
        "npi": trainer.npi or None,
        "credentials": [
            {
                "code": credential.code,
                "issued": credential.issued.isoformat() if credential.issued else None,
                "expires": credential.expires.isoformat(),
            }
            for credential in trainer.credentials.all()
        ],
    }
