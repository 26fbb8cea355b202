"""`fitclaim lmn` and `fitclaim preauth`: they act as a named user, see what that
user sees, and refuse to run as nobody."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import World, draft_letter
from .test_access import make_preauth


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "args",
    [
        ("lmn", "list"),
        ("lmn", "show", "1"),
        ("lmn", "pdf", "1"),
        ("lmn", "remind"),
        ("preauth", "list"),
        ("preauth", "show", "1"),
    ],
)
def test_every_command_refuses_to_run_as_nobody(world_ready: World, monkeypatch, args):
    monkeypatch.delenv("FITCLAIM_USER", raising=False)
    with pytest.raises(CommandError, match="--user EMAIL or FITCLAIM_USER"):
        run(*args)


def test_an_unknown_user_is_refused(world_ready: World):
    with pytest.raises(CommandError, match="no active user"):
        run("lmn", "list", "--user", "nobody@example.test")


def test_list_shows_what_the_user_sees(world_ready: World, monkeypatch):
    lmn = draft_letter(world_ready)
    monkeypatch.setenv("FITCLAIM_USER", world_ready["trainer_assigned"].user.email)
    assert lmn.reference in run("lmn", "list")
    monkeypatch.setenv("FITCLAIM_USER", world_ready["trainer_not_assigned"].user.email)
    assert run("lmn", "list") == ""
    rows = run("lmn", "list", "--json", "--user", world_ready["admin"].user.email).splitlines()
    assert json.loads(rows[0])["reference"] == lmn.reference


def test_show_lists_what_is_missing_and_is_audited(world_ready: World):
    from fitclaim.audit.models import AuditEvent

    lmn = draft_letter(world_ready, exercise_kind="")
    data = json.loads(
        run("lmn", "show", str(lmn.pk), "--json", "--user", world_ready["billing"].user.email)
    )
    assert data["missing"] == ["exercise_kind: The kind of exercise prescribed is missing."]
    assert data["engine"]["id"] == f"lmn-{lmn.pk}"
    event = AuditEvent.objects.get(action="view", entity="lmn", entity_id=str(lmn.pk))
    assert event.via == "cli"


def test_a_letter_the_user_may_not_see_is_not_found(world_ready: World):
    lmn = draft_letter(world_ready)
    with pytest.raises(CommandError, match="no such letter"):
        run("lmn", "show", str(lmn.pk), "--user", world_ready["other_org_admin"].user.email)


def test_pdf_writes_the_signed_letter_exactly_as_stored(world_ready: World, tmp_path: Path):
    from .conftest import send
    from .test_signing import sign

    lmn = draft_letter(world_ready)
    token = send(world_ready, lmn)
    lmn.refresh_from_db()
    sign(token, lmn)
    lmn.refresh_from_db()
    target = tmp_path / "letter.pdf"
    run("lmn", "pdf", str(lmn.pk), "-o", str(target), "--user", world_ready["admin"].user.email)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == lmn.signed_pdf.sha256


def test_remind_is_for_admins_and_billing(world_ready: World):
    with pytest.raises(CommandError, match="admins and billing"):
        run("lmn", "remind", "--user", world_ready["trainer_assigned"].user.email)
    out = run(
        "lmn",
        "remind",
        "--now",
        "--as-of",
        str(dt.date.today()),
        "--user",
        world_ready["billing"].user.email,
    )
    assert out.startswith("sent 0 reminder(s)")


def test_preauth_list_and_show(world_ready: World):
    preauth = make_preauth(world_ready)
    email = world_ready["admin"].user.email
    assert preauth.display_reference in run("preauth", "list", "--user", email)
    data = json.loads(run("preauth", "show", str(preauth.pk), "--json", "--user", email))
    assert data["status"] == "pending"
    assert data["engine"]["id"] == f"pa-{preauth.pk}"
    with pytest.raises(CommandError, match="no such pre-authorization"):
        run("preauth", "show", str(preauth.pk), "--user", world_ready["other_org_admin"].user.email)
