"""The one place claims take row locks.

Every change that could let a dollar be claimed twice (building a claim,
recording a payer's answer, withdrawing, closing) locks first the sessions
involved, by primary key, then the claims, by primary key. The payments app
locks sessions in the same order, so two operations never wait on each other
in a circle. On PostgreSQL these are `SELECT ... FOR UPDATE` row locks; SQLite
has none, but its IMMEDIATE transactions (settings) already let one writer in
at a time. Callers must be inside `transaction.atomic`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from fitclaim.claims.models import Claim, ClaimLine
from fitclaim.training.models import TrainingSession


def lock_sessions(session_ids: Iterable[int]) -> dict[int, TrainingSession]:
    """Lock these sessions, in primary-key order; the sessions by pk."""
    assert transaction.get_connection().in_atomic_block, "lock inside transaction.atomic"
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    rows = TrainingSession.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {session.pk: session for session in rows}


def lock_claims(claim_ids: Iterable[int]) -> dict[int, Claim]:
    """Lock these claims, in primary-key order (after their sessions)."""
    assert transaction.get_connection().in_atomic_block, "lock inside transaction.atomic"
    ids = sorted(set(claim_ids))
    rows = Claim.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {claim.pk: claim for claim in rows}


def lock_claim(claim_id: int) -> tuple[Claim, dict[int, TrainingSession]]:
    """Lock a claim's sessions, then the claim; the fresh claim and its sessions."""
    session_ids = ClaimLine.objects.filter(claim_id=claim_id).values_list("session_id", flat=True)
    sessions = lock_sessions(session_ids)
    claim = lock_claims([claim_id])[claim_id]
    return claim, sessions
