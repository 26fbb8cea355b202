"""Entries for the access matrix (tests/test_access_matrix.py) covering the
claim pages and API operations.

That module is not ours to edit; it wires these in with (after ARGUMENTS is
defined, like the training entries):

    from tests.claims.access_matrix import matrix_entries as claims_entries

    _pages, _api, _arguments = claims_entries(
        rule, client_read=CLIENT_READ, client_write=CLIENT_WRITE,
        org_lists=ORG_LISTS, signed_in=SIGNED_IN,
    )
    PAGE_RULES.update(_pages)
    API_RULES.update(_api)
    ARGUMENTS.update(_arguments)

The record under test is a draft FSA claim of Dana (one session), with an
appeal drafted on its line, made on first use. Everyone who may read Dana's
record reads her claims; who may change it changes them. The organization's
claim list and reports are every signed-in member's (scoped to what they may
see); the 835 upload and the 837P batch are the staff's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.records.conftest import World

NOT_DANAS = {"trainer_not_assigned", "another_client", "other_org_admin"}


def matrix_entries(
    rule: Callable[..., Any],
    *,
    client_read: set[str],
    client_write: set[str],
    org_lists: set[str],
    signed_in: set[str],
) -> tuple[dict[str, Any], dict[tuple[str, str], Any], dict[str, Callable[[World, str], Any]]]:
    pages = {
        "claims:client_claims": rule(client_read),
        "claims:build": rule(client_write),
        "claims:hsa_ledger": rule(client_read),
        "claims:statement": rule(client_read),
        "claims:list": rule(signed_in, hidden_text="Reyes", hidden_from=NOT_DANAS),
        "claims:list_csv": rule(signed_in, hidden_text="Reyes", hidden_from=NOT_DANAS),
        "claims:reports": rule(signed_in, hidden_text="Reyes", hidden_from=NOT_DANAS),
        "claims:reimbursed_csv": rule(signed_in),
        "claims:era_import": rule(org_lists),
        "claims:x12_batch": rule(org_lists, "post"),
        "claims:detail": rule(client_read),
        "claims:submit": rule(client_write, "post"),
        "claims:payer_id": rule(client_write, "post"),
        "claims:answer": rule(client_write),
        "claims:packet": rule(client_read),
        "claims:cms1500": rule(client_read),
        "claims:x12": rule(client_write),
        "claims:appeal_create": rule(client_write, "post"),
        "claims:appeal": rule(client_read),
        "claims:appeal_send": rule(client_write, "post"),
        "claims:appeal_pdf": rule(client_read),
        "claims:ready": rule(client_write, "post"),
        "claims:draft": rule(client_write, "post"),
        "claims:withdraw": rule(client_write, "post"),
        "claims:close": rule(client_write, "post"),
    }
    today = dt.date.today().isoformat()
    api = {
        ("get", "/api/v1/clients/{client_id}/claims"): rule(client_read),
        ("post", "/api/v1/clients/{client_id}/claims"): rule(client_write, body={"source_id": 0}),
        ("get", "/api/v1/clients/{client_id}/claims/preview"): rule(client_read),
        ("get", "/api/v1/claims"): rule(signed_in, hidden_text="Reyes", hidden_from=NOT_DANAS),
        ("get", "/api/v1/claims/{claim_id}"): rule(client_read),
        ("patch", "/api/v1/claims/{claim_id}"): rule(client_write, body={"notes": "call Monday"}),
        ("get", "/api/v1/claims/{claim_id}/checks"): rule(client_read),
        ("post", "/api/v1/claims/{claim_id}/ready"): rule(client_write),
        ("post", "/api/v1/claims/{claim_id}/draft"): rule(client_write),
        ("post", "/api/v1/claims/{claim_id}/withdraw"): rule(client_write),
        ("post", "/api/v1/claims/{claim_id}/close"): rule(client_write),
        ("post", "/api/v1/claims/{claim_id}/submit"): rule(
            client_write, body={"submitted_on": today, "channel": "portal"}
        ),
        ("post", "/api/v1/claims/{claim_id}/answers"): rule(
            client_write, body={"received_on": today}
        ),
        ("post", "/api/v1/claims/{claim_id}/appeals"): rule(client_write, body={"line_id": 0}),
        ("post", "/api/v1/claims/{claim_id}/appeals/{appeal_id}/send"): rule(
            client_write, body={"sent_on": today}
        ),
        ("get", "/api/v1/claims/{claim_id}/appeals/{appeal_id}/letter.pdf"): rule(client_read),
        ("get", "/api/v1/claims/{claim_id}/packet.pdf"): rule(client_read),
        ("get", "/api/v1/claims/{claim_id}/cms1500.pdf"): rule(client_read),
        ("post", "/api/v1/x12/837"): rule(org_lists, body={"claim_ids": []}),
        ("post", "/api/v1/x12/835"): rule(org_lists),
        ("get", "/api/v1/clients/{client_id}/hsa-ledger"): rule(client_read),
        ("get", "/api/v1/clients/{client_id}/hsa-ledger.csv"): rule(client_read),
        ("get", "/api/v1/clients/{client_id}/statements/{year}"): rule(client_read),
        ("get", "/api/v1/reports/claims-aging"): rule(signed_in),
        ("get", "/api/v1/reports/reimbursed"): rule(signed_in),
    }
    arguments = {
        "claim_id": _dana_claim,
        "appeal_id": _dana_appeal,
        "year": lambda w, p: dt.date.today().year,
    }
    return pages, api, arguments


def _dana_claim(w: World, persona: str) -> int:
    from fitclaim.claims.models import Claim, ClaimLine
    from fitclaim.training.models import TrainingSession

    claim = Claim.objects.filter(client=w.dana).order_by("pk").first()
    if claim is not None:
        return claim.pk
    session = TrainingSession.objects.filter(client=w.dana).order_by("pk").first()
    if session is None:
        session = TrainingSession.objects.create(
            organization=w.riverbend,
            client=w.dana,
            trainer=w.sam,
            date=dt.date(2026, 1, 6),
            code="S9451",
            charge=Decimal("85.00"),
            paid_total=Decimal("85.00"),
            status="attended",
        )
    claim = Claim.objects.create(
        organization=w.riverbend,
        client=w.dana,
        source=w.dana_fsa,
        kind=w.dana_fsa.kind,
        as_of=session.date,
        total=Decimal("85.00"),
        charge_total=session.charge,
    )
    ClaimLine.objects.create(
        organization=w.riverbend,
        claim=claim,
        session=session,
        source=w.dana_fsa,
        date=session.date,
        code=session.code,
        charge=session.charge,
        amount=Decimal("85.00"),
        predicted=Decimal("85.00"),
    )
    return claim.pk


def _dana_appeal(w: World, persona: str) -> int:
    from fitclaim.claims.models import Appeal, Claim

    claim = Claim.objects.get(pk=_dana_claim(w, persona))
    appeal = Appeal.objects.filter(claim=claim).first()
    if appeal is None:
        appeal = Appeal.objects.create(
            organization=w.riverbend,
            claim=claim,
            line=claim.lines.get(),
            reason="50",
            body="We ask you to reconsider.",
        )
    return appeal.pk
