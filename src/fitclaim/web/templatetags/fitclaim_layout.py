"""Template helpers for the layout."""

from __future__ import annotations

import datetime as dt

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, href: str, label: str) -> SafeString:
    """A main-navigation link, marked as the current page when the visitor is in
    that section, so screen readers announce it and the style can show it."""
    request: HttpRequest | None = context.get("request")
    path = request.path if request is not None else ""
    current = path == href if href == "/" else path.startswith(href)
    if current:
        return format_html('<a href="{}" aria-current="page">{}</a>', href, label)
    return format_html('<a href="{}">{}</a>', href, label)


@register.filter
def duration_words(value: dt.timedelta | None) -> str:
    """A wait such as a login cool-off, in words: "15 minutes", "1 hour 5 minutes"."""
    if value is None:
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
