"""Stored files: uploaded receipts and signed scans, generated signed letters.

Content is encrypted at rest and never reachable by a URL of its own: every read
goes through `file_read`, which checks access upstream and records the download.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FilePurpose(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    LMN_SCAN = "lmn_scan", "Signed letter (scan)"
    LMN_SIGNED_PDF = "lmn_signed_pdf", "Signed letter (PDF)"
    DOCUMENT = "document", "Document"


class StoredFile(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="stored_files"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    purpose = models.CharField(max_length=20, choices=FilePurpose.choices)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
