"""The letters' and pre-authorizations' rows of the access matrix
(tests/test_access_matrix.py): one expectation per page and API operation,
and the makers of the records their addresses name.

Plain data, importing nothing from the matrix module, so it can merge them:

    from tests.lmns.access_rules import LMN_API, LMN_ARGUMENTS, LMN_PAGES
    PAGE_RULES.update({name: rule(**spec) for name, spec in LMN_PAGES.items()})
    API_RULES.update({key: rule(**spec) for key, spec in LMN_API.items()})
    ARGUMENTS.update(LMN_ARGUMENTS)
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

# The personas of tests/records/conftest.py, as the matrix groups them.
CLIENT_READ = {"admin", "billing", "trainer_assigned", "client_self"}
CLIENT_WRITE = {"admin", "billing", "trainer_assigned"}
SIGNED_IN = {
    "admin",
    "billing",
    "trainer_assigned",
    "trainer_not_assigned",
    "client_self",
    "another_client",
    "other_org_admin",
}
EVERYONE = SIGNED_IN | {"anonymous"}
NOT_DANAS = {"trainer_not_assigned", "another_client", "other_org_admin"}

LMN_PAGES: dict[str, dict[str, Any]] = {
    "lmns:list": {"allowed": CLIENT_READ},
    "lmns:create": {"allowed": CLIENT_WRITE},
    "lmns:check": {"allowed": CLIENT_WRITE, "method": "post"},
    "lmns:attention": {"allowed": SIGNED_IN, "hidden_text": "Reyes", "hidden_from": NOT_DANAS},
    "lmns:detail": {"allowed": CLIENT_READ},
    "lmns:edit": {"allowed": CLIENT_WRITE},
    "lmns:send": {"allowed": CLIENT_WRITE},
    "lmns:cancel_signature": {"allowed": CLIENT_WRITE, "method": "post"},
    "lmns:scan": {"allowed": CLIENT_WRITE},
    "lmns:scan_file": {"allowed": CLIENT_READ},
    "lmns:pdf": {"allowed": CLIENT_READ},
    "lmns:revoke": {"allowed": CLIENT_WRITE},
    "lmns:renew": {"allowed": CLIENT_WRITE},
    # The provider's link: no account; the token is the authority (a valid one here).
    "lmns:sign": {"allowed": EVERYONE},
    "lmns:sign_decline": {"allowed": EVERYONE, "method": "post"},
    "lmns:sign_pdf": {"allowed": EVERYONE},
    "preauths:list": {"allowed": CLIENT_READ},
    "preauths:create": {"allowed": CLIENT_WRITE},
    "preauths:detail": {"allowed": CLIENT_READ},
    "preauths:edit": {"allowed": CLIENT_WRITE},
    "preauths:answer": {"allowed": CLIENT_WRITE},
    "preauths:request_pdf": {"allowed": CLIENT_READ},
}

REQUEST_BODY = {
    "source_id": 1,
    "requested_on": "2026-01-02",
    "requested_sessions": 12,
    "requested_from": "2026-01-05",
    "requested_to": "2026-03-31",
    "service_codes": ["S9451"],
}

LMN_API: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/api/v1/clients/{client_id}/letters"): {"allowed": CLIENT_READ},
    ("post", "/api/v1/clients/{client_id}/letters"): {"allowed": CLIENT_WRITE, "body": {}},
    ("get", "/api/v1/letters/{letter_id}"): {"allowed": CLIENT_READ},
    ("patch", "/api/v1/letters/{letter_id}"): {
        "allowed": CLIENT_WRITE,
        "body": {"goals": "Walk a mile"},
    },
    ("post", "/api/v1/letters/{letter_id}/send"): {"allowed": CLIENT_WRITE, "body": {}},
    ("post", "/api/v1/letters/{letter_id}/cancel-signature"): {"allowed": CLIENT_WRITE},
    ("post", "/api/v1/letters/{letter_id}/scan"): {"allowed": CLIENT_WRITE},
    ("post", "/api/v1/letters/{letter_id}/revoke"): {
        "allowed": CLIENT_WRITE,
        "body": {"reason": "issued in error"},
    },
    ("post", "/api/v1/letters/{letter_id}/renew"): {"allowed": CLIENT_WRITE, "body": {}},
    ("get", "/api/v1/letters/{letter_id}/pdf"): {"allowed": CLIENT_READ},
    ("get", "/api/v1/clients/{client_id}/preauthorizations"): {"allowed": CLIENT_READ},
    ("post", "/api/v1/clients/{client_id}/preauthorizations"): {
        "allowed": CLIENT_WRITE,
        "body": REQUEST_BODY,
    },
    ("get", "/api/v1/preauthorizations/{preauth_id}"): {"allowed": CLIENT_READ},
    ("patch", "/api/v1/preauthorizations/{preauth_id}"): {
        "allowed": CLIENT_WRITE,
        "body": {"notes": "faxed"},
    },
    ("post", "/api/v1/preauthorizations/{preauth_id}/answer"): {
        "allowed": CLIENT_WRITE,
        "body": {"status": "denied", "reference": "DN-1"},
    },
    ("get", "/api/v1/preauthorizations/{preauth_id}/request.pdf"): {"allowed": CLIENT_READ},
}


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def signed_letter(w: Any, persona: str = "") -> int:
    """A letter of Dana's, signed on paper (so its scan, PDF and every page exist)."""
    from fitclaim.files.services import file_store
    from fitclaim.lmns.models import Lmn

    today = dt.date.today()
    scan = file_store(
        by=None,
        organization=w.riverbend,
        purpose="lmn_scan",
        name="scan.png",
        content=_png(),
        client=w.dana,
    )
    lmn = Lmn.objects.create(
        organization=w.riverbend,
        client=w.dana,
        provider=w.provider,
        status="signed",
        diagnoses=list(w.dana.conditions),
        valid_from=today,
        valid_to=today + dt.timedelta(days=364),
        signature_method="scan",
        signer_name="Ana Lee",
        signed_on=today,
        signed_scan=scan,
        document_sha256=scan.sha256,
    )
    return lmn.pk


def open_signing_link(w: Any, persona: str = "") -> str:
    """The token of an open signing link for a letter of Dana's."""
    from django.utils import timezone

    from fitclaim.lmns.models import Lmn, LmnSignatureRequest
    from fitclaim.lmns.selectors import token_hash
    from fitclaim.lmns.services import signer

    today = dt.date.today()
    lmn = Lmn.objects.create(
        organization=w.riverbend,
        client=w.dana,
        provider=w.provider,
        status="awaiting_signature",
        diagnoses=list(w.dana.conditions),
        valid_from=today,
        valid_to=today + dt.timedelta(days=364),
    )
    token = signer().sign(secrets.token_urlsafe(24))
    now = timezone.now()
    LmnSignatureRequest.objects.create(
        organization=w.riverbend,
        lmn=lmn,
        provider_email="ana.lee@clinic.example",
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=14),
    )
    return token


def preauthorization(w: Any, persona: str = "") -> int:
    """A pending request of Dana's to her insurance plan."""
    from fitclaim.funding.models import FundingSource
    from fitclaim.preauths.models import Preauthorization

    today = dt.date.today()
    plan, _ = FundingSource.objects.get_or_create(
        client=w.dana,
        kind="insurance",
        name="Acme Health PPO",
        defaults={
            "organization": w.riverbend,
            "order": 1,
            "period_start": dt.date(today.year, 1, 1),
            "period_end": dt.date(today.year, 12, 31),
        },
    )
    return Preauthorization.objects.create(
        organization=w.riverbend,
        client=w.dana,
        source=plan,
        requested_on=today,
        requested_sessions=12,
        requested_from=today,
        requested_to=today + dt.timedelta(days=60),
    ).pk


LMN_ARGUMENTS = {
    "letter_id": signed_letter,
    "signing_token": open_signing_link,
    "preauth_id": preauthorization,
}
