"""Training sessions: the services a client receives, scheduled, attended or not.

The app is called `training` because Django's own `sessions` app holds the
sign-in sessions; the model is `TrainingSession` for the same reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from fitclaim.domain.service_codes import CATALOG, DEFAULT_CODE

SERVICE_CODE_CHOICES = [(entry.code, entry.label) for entry in CATALOG.values()]


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ATTENDED = "attended", "Attended"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class Schedule(models.Model):
    """A recurring plan, for example Tuesdays and Thursdays at 7:00 for 12 weeks.

    Creating one creates its sessions (status scheduled) right away; afterwards
    each session lives on its own (marked, moved or cancelled one by one), and
    the schedule stays as the record of how they came to be.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="training_schedules"
    )
    trainer = models.ForeignKey("trainers.Trainer", on_delete=models.RESTRICT, related_name="+")
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    # ISO weekdays, Monday = 1 ... Sunday = 7, in ascending order.
    weekdays = models.JSONField(default=list)
    start_time = models.TimeField()
    starts_on = models.DateField()
    weeks = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField(default=60)
    code = models.CharField(max_length=10, choices=SERVICE_CODE_CHOICES, default=DEFAULT_CODE)
    units = models.PositiveSmallIntegerField(default=1)
    charge = models.DecimalField(max_digits=10, decimal_places=2)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"schedule {self.pk} for {self.client_id} from {self.starts_on}"


class ImportBatch(models.Model):
    """One committed CSV import. The file's SHA-256 is unique per organization and
    kind, so importing the same file twice (say, after an interrupted run was
    retried, or by two people at once) imports it once: the database refuses the
    second batch, and a batch only exists if its whole import committed."""

    class Kind(models.TextChoices):
        SESSIONS = "sessions", "Sessions"
        CLIENTS = "clients", "Clients"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "sha256"], name="import_batch_file_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} import {self.pk} ({self.rows} rows)"


class TrainingSession(models.Model):
    """One session of training for a client: who trained them, where, when, how
    long, under which service code and for what charge, and whether it happened.

    Attended sessions are the services incurred (what FSAs, HSAs and insurers
    reimburse); scheduled ones are plans; cancelled and no-show sessions are
    neither. `paid_total` is the sum of the payments applied to the session,
    kept here so the database itself refuses paying a session more than its
    charge, even when two payments are recorded at once.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="training_sessions"
    )
    trainer = models.ForeignKey(
        "trainers.Trainer", on_delete=models.RESTRICT, related_name="training_sessions"
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="training_sessions",
    )
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(default=60)
    code = models.CharField(
        "service code", max_length=10, choices=SERVICE_CODE_CHOICES, default=DEFAULT_CODE
    )
    units = models.PositiveSmallIntegerField(default=1)
    charge = models.DecimalField(max_digits=10, decimal_places=2)
    paid_total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    notes = models.TextField(blank=True)
    schedule = models.ForeignKey(
        Schedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    # A key from the system the session was imported from; unique in the
    # organization, so the same row imported twice is refused by the database.
    external_id = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "start_time", "pk"]
        indexes = [
            models.Index(fields=["organization", "date"], name="session_org_date"),
            models.Index(fields=["client", "date"], name="session_client_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="session_units_at_least_1"),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="session_minutes_positive"),
            models.CheckConstraint(
                condition=Q(charge__gte=Decimal("0")), name="session_charge_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(paid_total__gte=Decimal("0")) & Q(paid_total__lte=F("charge")),
                name="session_paid_within_charge",
            ),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="session_external_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.code} ({self.get_status_display()})"

    @property
    def is_attended(self) -> bool:
        return self.status == SessionStatus.ATTENDED

    @property
    def unpaid(self) -> Decimal:
        return self.charge - self.paid_total
