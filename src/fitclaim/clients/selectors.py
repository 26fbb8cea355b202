"""Reading clients: scoping, access and what the pages and the engine need."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Role
from fitclaim.audit.services import audit_record
from fitclaim.clients.access import as_actor, as_pk, may_edit_visible_clients, sees_all_clients
from fitclaim.clients.models import Client
from fitclaim.coverage import engine_ids


def clients_visible_to(actor_or_user: Any) -> QuerySet[Client]:
    """The clients an actor may see: all of the organization's for admins and
    billing, the assigned ones for a trainer, their own record for a client."""
    actor = as_actor(actor_or_user)
    clients = Client.objects.filter(organization_id=actor.membership.organization_id)
    if sees_all_clients(actor):
        return clients
    if actor.role == Role.TRAINER:
        # Exists, not a join, so a client assigned to two trainers is one row.
        assigned = Client.trainers.through.objects.filter(
            client_id=OuterRef("pk"),
            trainer__user_id=actor.user.pk,
            trainer__organization_id=actor.membership.organization_id,
        )
        return clients.filter(Exists(assigned))
    if actor.role == Role.CLIENT and actor.membership.client_id is not None:
        return clients.filter(pk=actor.membership.client_id)
    return clients.none()


def access_client(actor_or_user: Any, client_id: Any, *, write: bool = False) -> Client:
    """The client, if the actor may see it (and change it, with write=True); else 404."""
    actor = as_actor(actor_or_user)
    client = clients_visible_to(actor).filter(pk=as_pk(client_id)).first()
    if client is None or (write and not may_edit_visible_clients(actor)):
        raise Http404("not found")
    return client


def client_list(*, actor: Actor, search: str = "") -> QuerySet[Client]:
    """Visible clients with what the list page shows, in a fixed number of queries."""
    from fitclaim.funding.models import FundingSource
    from fitclaim.trainers.models import Trainer

    clients = clients_visible_to(actor).prefetch_related(
        Prefetch("trainers", queryset=Trainer.objects.only("id", "name").order_by("name", "pk")),
        Prefetch(
            "funding_sources",
            queryset=FundingSource.objects.only(
                "id", "client_id", "kind", "name", "order"
            ).order_by("kind", "order", "pk"),
        ),
    )
    search = search.strip()
    if search:
        query = Q()
        for word in search.split():
            query &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(phone__icontains=word)
                | Q(conditions__icontains=word)
            )
        clients = clients.filter(query)
    return clients


def client_get_for_view(*, by: Actor, client_id: Any) -> Client:
    """A client's record for display, with its trainers and funding sources.

    Viewing a client's record is itself recorded in the audit trail: who looked
    at whose health information is part of what the trail is for.
    """
    client = access_client(by, client_id)
    client = (
        Client.objects.filter(pk=client.pk)
        .select_related("organization")
        .prefetch_related("trainers", "funding_sources")
        .get()
    )
    audit_record(
        actor=by,
        action="view",
        entity="client",
        entity_id=client.pk,
        client_id=client.pk,
        summary=f"viewed {client.name}",
    )
    return client


def portal_login_of(client: Client) -> Any:
    """The client's own portal membership (with its user), or None."""
    from fitclaim.accounts.models import Membership

    return Membership.objects.filter(client=client).select_related("user").first()


def condition_rows(client: Client) -> list[tuple[str, str]]:
    """The client's diagnoses with their ICD-10-CM descriptions."""
    from fitclaim.domain.codes import icd10_description

    return [(code, icd10_description(code) or "") for code in client.conditions]


def client_engine_input(client: Client) -> dict[str, Any]:
    """The engine's `client` object (ENGINE.md)."""
    return {
        "id": engine_ids.client_id(client.pk),
        "name": client.name,
        "birth_date": client.birth_date.isoformat() if client.birth_date else None,
        "conditions": list(client.conditions),
    }
