"""The pre-authorization panel other pages include."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("preauths/_client_preauths_panel.html", takes_context=True)
def client_preauths(context: template.Context, client: Any) -> dict[str, Any]:
    """The Pre-authorizations section of a client's record: the page including
    it has already checked that the viewer may see this client."""
    from fitclaim.accounts.actor import actor_from_request
    from fitclaim.clients.access import may_edit_visible_clients
    from fitclaim.preauths.selectors import preauth_alerts, preauths_of_client

    request = context.get("request")
    try:
        actor = actor_from_request(request) if request is not None else None
    except Exception:
        actor = None
    today = timezone.localdate()
    preauths = (
        [(p, preauth_alerts(p, today=today)) for p in preauths_of_client(client)]
        if actor is not None
        else []
    )
    return {
        "client": client,
        "preauths": preauths,
        "may_edit": actor is not None and may_edit_visible_clients(actor),
    }
