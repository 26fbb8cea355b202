"""Template helpers for the claim pages and the sections other pages include."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fitclaim.claims.selectors import claims_summary

register = template.Library()

BADGES = {
    "draft": "muted",
    "ready": "warn",
    "submitted": "muted",
    "paid": "ok",
    "partially_paid": "warn",
    "denied": "danger",
    "appealed": "warn",
    "closed": "muted",
    "withdrawn": "muted",
    "pending": "muted",
}


@register.simple_tag
def client_claims_summary(client: Any) -> dict[str, Any]:
    """How many claims the client has, open and waiting, and what they asked and got."""
    return claims_summary(client)


@register.simple_tag
def status_badge(status: str, label: str = "") -> SafeString:
    return format_html(
        '<span class="badge {}">{}</span>',
        BADGES.get(status, "muted"),
        label or status.replace("_", " "),
    )


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def days_since(value: Any, today: Any) -> str:
    """Whole days from a date to today ("" without a date)."""
    if not value or not today:
        return ""
    return str((today - value).days)
