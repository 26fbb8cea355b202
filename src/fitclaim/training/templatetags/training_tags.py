"""Template helpers for session summaries shown on other apps' pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from fitclaim.training.models import SessionStatus, TrainingSession

register = template.Library()


@register.simple_tag
def client_sessions_summary(client: Any) -> dict[str, Any]:
    """Counts for a client's page: attended, scheduled ahead, past sessions whose
    attendance is not recorded, and the next session. Two queries."""
    today = timezone.localdate()
    sessions = TrainingSession.objects.filter(client_id=client.pk)
    counts = sessions.aggregate(
        total=Count("pk"),
        attended=Count("pk", filter=Q(status=SessionStatus.ATTENDED)),
        upcoming=Count("pk", filter=Q(status=SessionStatus.SCHEDULED, date__gte=today)),
        unrecorded=Count("pk", filter=Q(status=SessionStatus.SCHEDULED, date__lt=today)),
    )
    counts["next"] = (
        sessions.filter(status=SessionStatus.SCHEDULED, date__gte=today)
        .order_by("date", "start_time", "pk")
        .first()
        if counts["upcoming"]
        else None
    )
    return counts
