"""Personas and helpers for the sessions, payments and receipts tests.

The `world` of the records tests: Riverbend (admin, billing, Sam the trainer
assigned to Dana, Jo assigned to Marcus, Dana and Marcus in the portal) and
Northside, another organization.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from fitclaim.training.models import SessionStatus, TrainingSession
from tests.records.conftest import World, fast_password_hashing, world  # noqa: F401


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def make_session(
    world: World,  # noqa: F811 (the fixture's value, passed in)
    *,
    on: dt.date | None = None,
    client: Any = None,
    trainer: Any = None,
    status: str = SessionStatus.ATTENDED,
    charge: str = "85.00",
    code: str = "S9451",
) -> TrainingSession:
    """A session written directly (set-up, not the thing under test)."""
    client = client or world.dana
    return TrainingSession.objects.create(
        organization=client.organization,
        client=client,
        trainer=trainer or world.sam,
        date=on or days_ago(7),
        start_time=dt.time(7, 0),
        code=code,
        charge=Decimal(charge),
        status=status,
    )


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def tiny_pdf() -> bytes:
    """A real one-page PDF, as a scanned receipt would be."""
    from fitclaim.documents.pdf import para, render

    return render([para("Receipt from Riverside Gym: 85.00 paid")], title="receipt")


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def admin(world: World) -> Any:  # noqa: F811
    return world["admin"].actor()


@pytest.fixture
def sam(world: World) -> Any:  # noqa: F811
    return world["trainer_assigned"].actor()
