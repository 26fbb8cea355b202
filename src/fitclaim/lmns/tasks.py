"""Background work for letters: the daily reminder run.

Enqueued by `fitclaim lmn remind` (or a scheduler calling it) and run by the
database-backed worker (`fitclaim db_worker`), so no broker is needed. Running
it twice, or on two workers at once, sends nothing twice: see
`lmn_send_reminders`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task


@task()
def send_lmn_reminders(
    as_of: str | None = None, organization_id: int | None = None
) -> dict[str, Any]:
    """Expire lapsed letters, then email the reminders due on `as_of` (ISO date;
    default today) for one organization or all. Returns what was done."""
    from fitclaim.lmns.services import lmn_send_reminders

    today = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return lmn_send_reminders(today=today, organization_id=organization_id).as_dict()
