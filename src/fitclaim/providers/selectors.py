"""Reading providers: scoping, access and the list."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.clients.access import as_actor, as_pk, may_edit_directory, sees_directory
from fitclaim.providers.models import Provider


def providers_visible_to(actor_or_user: Any) -> QuerySet[Provider]:
    """The organization's providers, for staff; nothing for the client portal."""
    actor = as_actor(actor_or_user)
    if not sees_directory(actor):
        return Provider.objects.none()
    return Provider.objects.filter(organization_id=actor.membership.organization_id)


def access_provider(actor_or_user: Any, provider_id: Any, *, write: bool = False) -> Provider:
    """The provider, if the actor may see it (and change it, with write=True); else 404."""
    actor = as_actor(actor_or_user)
    provider = providers_visible_to(actor).filter(pk=as_pk(provider_id)).first()
    if provider is None or (write and not may_edit_directory(actor)):
        raise Http404("not found")
    return provider


def provider_list(*, actor: Actor, search: str = "") -> QuerySet[Provider]:
    providers = providers_visible_to(actor)
    search = search.strip()
    if search:
        query = Q()
        for word in search.split():
            query &= (
                Q(name__icontains=word)
                | Q(npi__icontains=word)
                | Q(credentials__icontains=word)
                | Q(kind__icontains=word)
                | Q(email__icontains=word)
            )
        providers = providers.filter(query)
    return providers
