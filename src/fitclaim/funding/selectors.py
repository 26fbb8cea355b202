"""Reading funding sources: scoping, access, and the bridge to the engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from fitclaim.clients.access import as_actor, as_pk, may_edit_visible_clients
from fitclaim.clients.models import Client
from fitclaim.domain.money import money_text
from fitclaim.funding.models import (
    DATE_FIELDS,
    KIND_SPECS,
    MONEY_FIELDS,
    RATE_FIELDS,
    FundingKind,
    FundingSource,
)


def funding_sources_visible_to(actor_or_user: Any) -> QuerySet[FundingSource]:
    """The funding sources of the clients the actor may see."""
    from fitclaim.clients.selectors import clients_visible_to

    actor = as_actor(actor_or_user)
    return FundingSource.objects.filter(
        organization_id=actor.membership.organization_id,
        client__in=clients_visible_to(actor),
    )


def access_funding_source(
    actor_or_user: Any, source_id: Any, *, client_id: Any = None, write: bool = False
) -> FundingSource:
    """The source, if the actor may see its client (and change it, with
    write=True); else 404. With `client_id`, the source must also belong to
    that client, so a URL cannot pair one client with another's source."""
    actor = as_actor(actor_or_user)
    sources = funding_sources_visible_to(actor).select_related("client")
    if client_id is not None:
        sources = sources.filter(client_id=as_pk(client_id))
    source = sources.filter(pk=as_pk(source_id)).first()
    if source is None or (write and not may_edit_visible_clients(actor)):
        raise Http404("not found")
    return source


def funding_sources_of(client: Client) -> list[FundingSource]:
    """A client's sources in the engine's allocation order: the insurance plans
    by `order` (primary first), then the others in the client's priority."""
    sources = list(client.funding_sources.all())
    insurance = sorted(
        (s for s in sources if s.kind == FundingKind.INSURANCE), key=lambda s: (s.order or 0, s.pk)
    )
    others = [s for s in sources if s.kind != FundingKind.INSURANCE]
    rank = {pk: index for index, pk in enumerate(client.priority)}
    default_rank = {FundingKind.WELLNESS: 0, FundingKind.FSA: 1, FundingKind.HSA: 2}
    others.sort(key=lambda s: (rank.get(s.pk, len(rank)), default_rank[s.kind], s.engine_id))
    return insurance + others


def client_priority_engine_input(client: Client) -> list[str] | None:
    """The case's `priority`: None (the engine default) unless the client set
    one. Sources added since the client chose come last, in the default order,
    because the engine requires the list to name every non-insurance source."""
    if not client.priority:
        return None
    return [s.engine_id for s in funding_sources_of(client) if s.kind != FundingKind.INSURANCE]


def _rate(value: Decimal) -> str:
    # 0.2000 -> "0.2", 1.0000 -> "1": the engine's rate pattern, no exponent.
    return f"{value.normalize():f}"


def _engine_value(field: str, value: Any) -> Any:
    if value is None:
        return None
    if field in MONEY_FIELDS:
        return money_text(value)
    if field in RATE_FIELDS:
        return _rate(value)
    if field in DATE_FIELDS:
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def funding_source_engine_input(source: FundingSource) -> dict[str, Any]:
    """The source as the engine's source object (ENGINE.md), every key of its
    kind present: money as "0.00" strings, rates as decimal strings, the
    optional "none" values as null. Its id is "src-<pk>"."""
    data: dict[str, Any] = {"id": source.engine_id, "kind": source.kind, "name": source.name}
    for field in KIND_SPECS[source.kind].fields:
        if field == "period_start":
            data["period"] = {
                "start": source.period_start.isoformat(),
                "end": source.period_end.isoformat(),
            }
        elif field == "period_end":
            continue
        else:
            data[field] = _engine_value(field, getattr(source, field))
    return data


def funding_values_from_engine_input(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The inverse of funding_source_engine_input: (kind, model field values)
    from an engine source object, for imports. The engine id is not kept: the
    database gives the source its own. Unknown keys are kept as they are so the
    rules report them by name."""
    kind = data.get("kind", "")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("id", "kind"):
            continue
        if key == "period" and isinstance(value, dict):
            values["period_start"] = _date(value.get("start"))
            values["period_end"] = _date(value.get("end"))
        elif key in MONEY_FIELDS or key in RATE_FIELDS:
            values[key] = None if value is None else Decimal(str(value))
        elif key in DATE_FIELDS:
            values[key] = _date(value)
        else:
            values[key] = value
    return kind, values


def _date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
