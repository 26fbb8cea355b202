"""`fitclaim claim ...` and `fitclaim x12 ...`: they act as a named user, see
what that user sees, and refuse to run as nobody."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fitclaim.claims.models import Claim

from .conftest import Money, today
from .x12_helpers import ClpAnswer, SvcAnswer, write_835


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    "args",
    [
        ("claim", "list"),
        ("claim", "show", "1"),
        ("claim", "build", "--client", "1", "--source", "1"),
        ("x12", "837", "--ready"),
        ("x12", "import-835", "era.835"),
    ],
)
def test_every_command_refuses_to_run_as_nobody(two_paid: Money, monkeypatch, args) -> None:
    monkeypatch.delenv("FITCLAIM_USER", raising=False)
    with pytest.raises(CommandError, match="--user EMAIL or FITCLAIM_USER"):
        run(*args)


def test_build_ready_submit_packet_pay(two_paid: Money, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FITCLAIM_USER", two_paid.w["billing"].user.email)
    dana, fsa = str(two_paid.dana.pk), str(two_paid.fsa.pk)
    preview = run("claim", "build", "--client", dana, "--source", fsa, "--preview")
    assert "total 170.00 for 2 session(s)" in preview and not Claim.objects.exists()
    out = run("claim", "build", "--client", dana, "--source", fsa)
    claim = Claim.objects.get()
    assert f"Built {claim.number} to Employer FSA: 170.00 for 2 session(s)" in out
    with pytest.raises(CommandError, match="is a draft: run `fitclaim claim ready"):
        run("claim", "submit", str(claim.pk), "--channel", "portal")
    assert "is ready" in run("claim", "ready", str(claim.pk))
    run("claim", "submit", str(claim.pk), "--channel", "portal", "--reference", "WW-88")
    target = tmp_path / "packet.pdf"
    assert "wrote" in run("claim", "packet", str(claim.pk), "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    line = claim.lines.order_by("pk").first()
    out = run("claim", "pay", str(claim.pk), "--line", f"{line.pk}=85.00", "--deny",
              f"{claim.lines.order_by('pk').last().pk}=50")  # fmt: skip
    assert "it is partially paid" in out
    shown = run("claim", "show", str(claim.pk))
    assert "CO-50 (LMN_MISSING/" in shown
    listed = [json.loads(row) for row in run("claim", "list", "--json").splitlines()]
    assert [(c["number"], c["status"], c["paid"]) for c in listed] == [
        (claim.number, "partially_paid", "85.00")
    ]
    assert run("claim", "list", "--status", "draft") == ""


def test_a_refusal_names_the_problem(two_paid: Money, monkeypatch) -> None:
    monkeypatch.setenv("FITCLAIM_USER", two_paid.w["admin"].user.email)
    with pytest.raises(CommandError, match="session_ids: session 424242: not payable"):
        run("claim", "build", "--client", str(two_paid.dana.pk), "--source",
            str(two_paid.fsa.pk), "--session", "424242")  # fmt: skip
    outsider = two_paid.w["other_org_admin"].user.email
    claim = two_paid.build(two_paid.fsa)
    with pytest.raises(CommandError, match="no such claim"):
        run("claim", "show", str(claim.pk), "--user", outsider)


def test_x12_837_and_import_835(two_paid: Money, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FITCLAIM_USER", two_paid.w["admin"].user.email)
    plan = two_paid.insurance()
    claim = two_paid.build(plan, payer_id="ACME1")
    run("claim", "ready", str(claim.pk))
    out_file = tmp_path / "batch.x12"
    run("x12", "837", "--ready", "--usage", "T", "-o", str(out_file), "--submit")
    assert f"CLM*{claim.number}*170" in out_file.read_text()
    claim.refresh_from_db()
    assert (claim.status, claim.channel) == ("submitted", "edi")
    lines = list(claim.lines.order_by("pk"))
    era = tmp_path / "era.835"
    era.write_text(
        write_835(
            [
                ClpAnswer(
                    claim_id=claim.number,
                    status="1",
                    charge=claim.charge_total,
                    paid=sum(line.amount for line in lines),
                    services=[
                        SvcAnswer("S9451", line.charge, line.amount, line.date, line.control)
                        for line in lines
                    ],
                )
            ],
            paid_on=today(),
        )
    )
    dry = run("x12", "import-835", str(era), "--dry-run")
    assert "check only: 1 claim payment(s) would post" in dry
    out = run("x12", "import-835", str(era))
    assert f"-> {claim.number}" in out and "posted 1 claim payment(s)" in out
    claim.refresh_from_db()
    assert claim.status == "paid"
    with pytest.raises(CommandError, match="nothing was posted:\n  this file was already imported"):
        run("x12", "import-835", str(era))
    with pytest.raises(CommandError, match="cannot read"):
        run("x12", "import-835", str(tmp_path / "missing.835"))
