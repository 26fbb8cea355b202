"""Reminders: 60, 30 and 7 days before a letter ends and from its re-examination
date, by email to the assigned trainers and the client, sent by a background
task that never sends the same reminder twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from fitclaim.lmns.models import Lmn, ReminderSent
from fitclaim.lmns.services import lmn_send_reminders
from fitclaim.lmns.tasks import send_lmn_reminders

from .conftest import TODAY, World, draft_letter, scan_sign


def expiring_in(world: World, days: int, **changes) -> Lmn:
    start = TODAY() - dt.timedelta(days=300)
    lmn = draft_letter(
        world, valid_from=start, valid_to=TODAY() + dt.timedelta(days=days), **changes
    )
    return scan_sign(world, lmn, signed_on=start)


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def test_a_letter_expiring_in_30_days_emails_each_recipient_once_however_often_the_task_runs(
    world_ready: World, mailoutbox
):
    world_ready.dana.trainers.add(world_ready.jo)
    lmn = expiring_in(world_ready, 30, reexamination_date=TODAY() + dt.timedelta(days=90))
    for _ in range(3):
        send_lmn_reminders.call(as_of=TODAY().isoformat())
    assert recipients(mailoutbox) == [
        "dana@example.test",
        "jo@riverbend.test",
        "sam@riverbend.test",
    ]
    assert all("expires in 30 days" in message.subject for message in mailoutbox)
    assert all(f"/letters/{lmn.pk}/" in message.body for message in mailoutbox)
    assert ReminderSent.objects.filter(lmn=lmn, kind="expires_in_30").count() == 3


def test_the_queued_task_runs_on_the_database_worker_and_sends_once(world_ready: World, mailoutbox):
    expiring_in(world_ready, 30)
    admin = world_ready["admin"].user.email
    for _ in range(2):
        out = StringIO()
        call_command("lmn", "remind", "--user", admin, stdout=out)
        assert "queued the reminder run" in out.getvalue()
        # The worker recycles its database connection between tasks, as a long-lived
        # process should; here that connection holds the test's transaction.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert recipients(mailoutbox) == ["dana@example.test", "sam@riverbend.test"]
    from django_tasks_db.models import DBTaskResult

    assert [r.status for r in DBTaskResult.objects.all()] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert DBTaskResult.objects.order_by("enqueued_at").last().return_value == {
        "sent": 0,
        "already_sent": 2,
        "failed": [],
        "expired": 0,
    }


@pytest.mark.parametrize(
    ("days", "kind"),
    [(60, "expires_in_60"), (31, "expires_in_60"), (7, "expires_in_7"), (0, "expires_in_7")],
)
def test_the_most_urgent_notice_reached_is_sent(world_ready: World, mailoutbox, days, kind):
    lmn = expiring_in(world_ready, days)
    lmn_send_reminders(today=TODAY())
    assert set(ReminderSent.objects.filter(lmn=lmn).values_list("kind", flat=True)) == {kind}


def test_no_reminder_far_from_expiry(world_ready: World, mailoutbox):
    expiring_in(world_ready, 61)
    assert lmn_send_reminders(today=TODAY()).sent == 0
    assert mailoutbox == []


def test_the_reexamination_reminder_goes_from_its_date(world_ready: World, mailoutbox):
    lmn = expiring_in(world_ready, 200, reexamination_date=TODAY())
    lmn_send_reminders(today=TODAY() - dt.timedelta(days=1))
    assert mailoutbox == []
    lmn_send_reminders(today=TODAY())
    lmn_send_reminders(today=TODAY() + dt.timedelta(days=1))
    assert len(mailoutbox) == 2
    assert all("re-examination" in m.subject for m in mailoutbox)
    assert set(ReminderSent.objects.filter(lmn=lmn).values_list("kind", flat=True)) == {
        "reexamination"
    }


def test_the_database_refuses_a_second_identical_reminder(world_ready: World):
    lmn = expiring_in(world_ready, 30)
    ReminderSent.objects.create(
        organization=world_ready.riverbend,
        lmn=lmn,
        kind="expires_in_30",
        recipient="a@example.test",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(
            organization=world_ready.riverbend,
            lmn=lmn,
            kind="expires_in_30",
            recipient="a@example.test",
        )


def test_a_failed_mail_is_retried_by_the_next_run(world_ready: World, mailoutbox):
    expiring_in(world_ready, 30)
    with mock.patch("fitclaim.lmns.services.send_mail", side_effect=OSError("down")):
        report = lmn_send_reminders(today=TODAY())
    assert report.sent == 0 and len(report.failed) == 2
    assert ReminderSent.objects.count() == 0
    assert lmn_send_reminders(today=TODAY()).sent == 2
    assert len(mailoutbox) == 2


def test_lapsed_letters_are_expired_and_not_reminded(world_ready: World, mailoutbox):
    lmn = expiring_in(world_ready, 5)
    report = lmn_send_reminders(today=lmn.valid_to + dt.timedelta(days=1))
    lmn.refresh_from_db()
    assert lmn.status == "expired"
    assert report.expired == 1 and report.sent == 0


def test_only_the_organization_asked_for_is_reminded(world_ready: World, mailoutbox):
    expiring_in(world_ready, 30)
    lmn_send_reminders(today=TODAY(), organization_id=world_ready.northside.pk)
    assert mailoutbox == []
