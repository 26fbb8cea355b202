"""Documents served to a person: PDFs, CSVs, X12 files."""

from __future__ import annotations

from django.http import HttpResponse


def document_response(
    content: bytes | str,
    filename: str,
    content_type: str = "application/pdf",
    *,
    inline: bool = False,
) -> HttpResponse:
    """A file download (or, `inline`, a document the browser shows)."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Health information: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
