"""Template helpers for payment summaries shown on other apps' pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Count, Sum

from fitclaim.payments.models import Payment, UploadedReceipt

register = template.Library()
CENT = Decimal("0.01")


@register.simple_tag
def client_payments_summary(client: Any) -> dict[str, Any]:
    """Totals for a client's page: payments, received, applied, held. Two queries."""
    totals = Payment.objects.filter(client_id=client.pk).aggregate(
        payments=Count("pk"), received=Sum("amount"), applied=Sum("applied_total")
    )
    # Sums come back from SQLite without their scale: show cents, always.
    received = Decimal(totals["received"] or 0).quantize(CENT)
    applied = Decimal(totals["applied"] or 0).quantize(CENT)
    return {
        "payments": totals["payments"],
        "received": received,
        "applied": applied,
        "held": received - applied,
        "uploads": UploadedReceipt.objects.filter(client_id=client.pk).count(),
    }
