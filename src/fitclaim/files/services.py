"""Store and read files: type checked by content, size-limited, encrypted at rest."""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from typing import TYPE_CHECKING, Any

import puremagic
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from fitclaim.audit.services import audit_record
from fitclaim.files.models import StoredFile

if TYPE_CHECKING:
    from fitclaim.accounts.actor import Actor

ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_UPLOAD_BYTES = getattr(settings, "FITCLAIM_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


class FileIntegrityError(Exception):
    """A stored file no longer decrypts to what was stored."""


def _fernet() -> MultiFernet:
    keys = [settings.FILE_ENCRYPTION_KEY, *getattr(settings, "FILE_ENCRYPTION_OLD_KEYS", [])]
    # Any secret string becomes a Fernet key; older keys still decrypt after a rotation.
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(hashlib.sha256(k.encode()).digest())) for k in keys]
    )


def sniff_content_type(content: bytes) -> str | None:
    """The type the bytes really are (PDF, JPEG or PNG), whatever the file is called."""
    try:
        kind = puremagic.from_string(content[:4096], mime=True)
    except puremagic.PureError:
        return None
    return kind if kind in ALLOWED_TYPES else None


def check_upload(content: bytes, *, field: str = "file") -> str:
    """The content type of an acceptable upload, or a ValidationError naming `field`."""
    if not content:
        raise ValidationError({field: "The file is empty."})
    if len(content) > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError({field: f"The file is larger than {limit} MB."})
    content_type = sniff_content_type(content)
    if content_type is None:
        raise ValidationError({field: "Only PDF, JPEG and PNG files are accepted."})
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            if len(PdfReader(io.BytesIO(content)).pages) == 0:
                raise ValueError("no pages")
        else:
            from PIL import Image

            with Image.open(io.BytesIO(content)) as image:
                image.verify()
    except Exception as exc:
        raise ValidationError({field: "The file is damaged and cannot be read."}) from exc
    return content_type


@transaction.atomic
def file_store(
    *,
    by: Actor | None,
    organization: Any,
    purpose: str,
    name: str,
    content: bytes,
    client: Any = None,
    field: str = "file",
) -> StoredFile:
    content_type = check_upload(content, field=field)
    storage_name = f"encrypted/{organization.pk}/{uuid.uuid4().hex}.bin"
    stored = StoredFile.objects.create(
        organization=organization,
        client=client,
        purpose=purpose,
        original_name=(name or "file")[:255],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        storage_name=storage_name,
        uploaded_by=by.user if by else None,
    )
    default_storage.save(storage_name, ContentFile(_fernet().encrypt(content)))
    # Should the transaction roll back, the orphan blob is harmless: it is
    # encrypted and nothing refers to it.
    audit_record(
        actor=by,
        organization=organization,
        action="create",
        entity="file",
        entity_id=stored.pk,
        client_id=client.pk if client is not None else None,
        summary=f"stored {purpose} {stored.original_name}",
    )
    return stored


def file_read(*, by: Actor | None, stored: StoredFile, audit: bool = True) -> bytes:
    """The plaintext of a stored file; the caller has checked access. Every read
    by a person is a download in the audit trail."""
    with default_storage.open(stored.storage_name, "rb") as blob:
        token = blob.read()
    try:
        content = _fernet().decrypt(token)
    except InvalidToken as exc:
        raise FileIntegrityError(f"file {stored.pk} cannot be decrypted") from exc
    if hashlib.sha256(content).hexdigest() != stored.sha256:
        raise FileIntegrityError(f"file {stored.pk} does not match its checksum")
    if audit:
        audit_record(
            actor=by,
            organization=stored.organization,
            action="download",
            entity="file",
            entity_id=stored.pk,
            client_id=stored.client_id,
            summary=f"downloaded {stored.original_name}",
        )
    return content


def download_name(stored: StoredFile) -> str:
    stem = stored.original_name.rsplit(".", 1)[0] or "file"
    return stem + ALLOWED_TYPES.get(stored.content_type, "")
