"""Organizations, the people in them, and what each person may do."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from fitclaim.accounts.validators import validate_ein, validate_group_npi


class User(AbstractUser):
    """A person who signs in. The email address is the login."""

    email = models.EmailField("email address", unique=True)

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        constraints = [
            # People type their address in any case; one address is one person.
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Organization(models.Model):
    """A practice, studio or medical-fitness gym: the billing business and the
    boundary of every record. No record is ever visible across organizations."""

    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    tax_id = models.CharField("tax id (EIN)", max_length=20, blank=True, validators=[validate_ein])
    group_npi = models.CharField(
        "group NPI", max_length=10, blank=True, validators=[validate_group_npi]
    )
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Organization admin"
    BILLING = "billing", "Billing"
    TRAINER = "trainer", "Trainer"
    CLIENT = "client", "Client"


class Membership(models.Model):
    """A user's place in an organization. A client-portal membership is linked to
    exactly one client record, and sees only that client."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    client = models.OneToOneField(
        "clients.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="portal_membership",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org"),
            models.CheckConstraint(
                condition=(Q(role="client") & Q(client__isnull=False))
                | (~Q(role="client") & Q(client__isnull=True)),
                name="client_role_has_exactly_one_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organization})"

    @property
    def sees_all_clients(self) -> bool:
        return self.role in (Role.ADMIN, Role.BILLING)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff_role(self) -> bool:
        return self.role in (Role.ADMIN, Role.BILLING, Role.TRAINER)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal access token for integrations. Only its SHA-256 is stored: the
    token itself is shown once, when it is created."""

    PREFIX = "fc_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_raw_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
