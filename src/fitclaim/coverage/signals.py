"""Keeping cached coverage results honest: every change to a record a client's
case is built from appends a `CoverageChange` in the same transaction.

Three nets, because records change in three ways:

1. `post_save` / `post_delete` of every model of the apps a case reads
   (clients, funding, letters, pre-authorizations, sessions, payments,
   claims, trainers, providers, facilities). A record with a client changes
   that client; any other (a trainer's credential, a provider, an import
   batch, a receipt line) changes every client of its organization.
2. `m2m_changed` (a letter's authorized trainers and facilities).
3. The audit trail: services that write with `QuerySet.update()` or
   `bulk_create()` send no model signal, but every change of a client's
   records is audited with the client's id, so a change event (create,
   update, delete, action) with a client counts as a change of that client.
   Reads (view, download) do not.

A row too many only costs a cache miss; a row too few would show a stale
answer, so when in doubt the whole organization is marked.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

WATCHED_APPS = (
    "clients",
    "funding",
    "lmns",
    "preauths",
    "training",
    "payments",
    "claims",
    "trainers",
    "providers",
    "facilities",
)
CHANGE_ACTIONS = frozenset({"create", "update", "delete", "action"})
DISPATCH = "fitclaim.coverage.signals"


def change_scope(instance: Any) -> tuple[int, int | None] | None:
    """(organization id, client id or None for the whole organization) of a
    changed record, or None when it belongs to no organization."""
    from fitclaim.clients.models import Client

    if isinstance(instance, Client):
        return (instance.organization_id, instance.pk) if instance.pk else None
    organization_id = getattr(instance, "organization_id", None)
    if organization_id is None:
        return None
    return organization_id, getattr(instance, "client_id", None)


def coverage_changed(*, organization_id: int, client_id: int | None = None) -> None:
    """Record that a client's records (or, without a client, every client's of
    the organization) changed. Call it after writing such records in a way
    that sends no model signal and writes no audit event."""
    from fitclaim.coverage.models import CoverageChange

    CoverageChange.objects.create(organization_id=organization_id, client_id=client_id)


def _record_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    scope = change_scope(instance)
    if scope is not None:
        coverage_changed(organization_id=scope[0], client_id=scope[1])


def _relation_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and _is_watched(type(instance)):
        _record_changed(sender, instance)


def _audited(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created or instance.client_id is None or instance.organization_id is None:
        return
    if instance.action in CHANGE_ACTIONS:
        coverage_changed(organization_id=instance.organization_id, client_id=instance.client_id)


def _is_watched(model: type) -> bool:
    return getattr(model, "_meta", None) is not None and model._meta.app_label in WATCHED_APPS


def connect() -> None:
    """Connect the handlers (CoverageConfig.ready)."""
    installed = {config.label for config in apps.get_app_configs()}
    for label in WATCHED_APPS:
        if label not in installed:
            continue
        for model in apps.get_app_config(label).get_models():
            uid = f"{DISPATCH}:{label}.{model.__name__}"
            post_save.connect(_record_changed, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(_record_changed, sender=model, dispatch_uid=f"{uid}:delete")
    m2m_changed.connect(_relation_changed, dispatch_uid=f"{DISPATCH}:m2m")
    post_save.connect(
        _audited, sender=apps.get_model("audit", "AuditEvent"), dispatch_uid=f"{DISPATCH}:audit"
    )
