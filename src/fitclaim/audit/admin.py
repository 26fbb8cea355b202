from __future__ import annotations

from typing import Any

from django.contrib import admin

from fitclaim.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, so the admin can look but never add,
    change or delete."""

    list_display = ["at", "organization", "actor_label", "action", "entity", "entity_id", "summary"]
    list_filter = ["action", "entity", "via", "organization"]
    search_fields = ["actor_label", "entity", "entity_id", "summary"]
    date_hierarchy = "at"
    list_select_related = ["organization"]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
