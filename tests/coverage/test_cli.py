"""`fitclaim coverage CLIENT` prints the coverage as a table; `fitclaim case
export CLIENT [--as-of DATE]` writes the case, which `fitclaim adjudicate`
turns into the same result as the API. Both act as a named user."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fitclaim.audit.models import AuditEvent
from fitclaim.coverage import engine_ids
from fitclaim.coverage.case import client_case
from fitclaim.domain.engine import adjudicate

from .conftest import World, attended, days_ago, letter, today


@pytest.fixture
def sessions(world: World, admin: Any) -> dict[str, Any]:
    letter(world, valid_from=days_ago(90), valid_to=today())
    return {
        "paid": attended(world, admin, on=days_ago(20)),
        "no_receipt": attended(world, admin, on=days_ago(13), receipt=False),
    }


class Captured(io.StringIO):
    """A stdout with a .buffer, as the commands write bytes there."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = io.BytesIO()


def run(*args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, bytes]:
    out = Captured()
    monkeypatch.setattr(sys, "stdout", out)
    call_command(*args, stdout=out)
    return out.getvalue(), out.buffer.getvalue()


def test_coverage_prints_a_table(
    world: World, sessions: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    text, _ = run(
        "coverage", str(world.dana.pk), "--user", "billing@riverbend.test", monkeypatch=monkeypatch
    )
    lines = text.splitlines()
    assert lines[0] == (
        f"Coverage of Dana Reyes ({engine_ids.client_id(world.dana.pk)}) as of {today()}"
    )
    header = next(line for line in lines if line.startswith("Date"))
    assert "Employer FSA" in header and "Out of pocket" in header
    paid = next(line for line in lines if line.startswith(days_ago(20).isoformat()))
    assert "85.00 by 2027-03-31" in paid
    missing = next(line for line in lines if line.startswith(days_ago(13).isoformat()))
    assert "no: RECEIPT_MISSING" in missing
    assert f"  RECEIPT_MISSING: {engine_ids.session_id(sessions['no_receipt'].pk)}" in lines
    assert any(line.startswith("Totals") for line in lines)
    assert AuditEvent.objects.filter(entity="coverage", via="cli").count() == 1


def test_coverage_json_is_the_apis_answer(
    world: World, sessions: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    day = days_ago(5).isoformat()
    monkeypatch.setenv("FITCLAIM_USER", "sam@riverbend.test")
    _, data = run(
        "coverage", f"client-{world.dana.pk}", "--as-of", day, "--json", monkeypatch=monkeypatch
    )
    assert json.loads(data) == adjudicate(client_case(client=world.dana, as_of=days_ago(5)))


def test_case_export_reproduces_the_result_with_adjudicate(
    world: World, sessions: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    day = days_ago(3)
    target = tmp_path / "case.json"
    run(
        "case",
        "export",
        str(world.dana.pk),
        "--as-of",
        day.isoformat(),
        "--user",
        "admin@riverbend.test",
        "-o",
        str(target),
        monkeypatch=monkeypatch,
    )
    case = json.loads(target.read_text())
    assert case == client_case(client=world.dana, as_of=day)
    adjudicated = subprocess.run(
        [sys.executable, "-m", "fitclaim.cli", "adjudicate", str(target)],
        capture_output=True,
        check=True,
    )
    assert json.loads(adjudicated.stdout) == adjudicate(case)
    event = AuditEvent.objects.get(entity="coverage_case")
    assert (event.action, event.client_id, event.via) == ("download", world.dana.pk, "cli")


def test_case_export_to_standard_output(
    world: World, sessions: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FITCLAIM_USER", "admin@riverbend.test")
    _, data = run("case", "export", str(world.dana.pk), monkeypatch=monkeypatch)
    assert json.loads(data)["client"]["id"] == engine_ids.client_id(world.dana.pk)


def test_the_commands_refuse_without_a_user(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FITCLAIM_USER", raising=False)
    for args in (("coverage", str(world.dana.pk)), ("case", "export", str(world.dana.pk))):
        with pytest.raises(CommandError, match="--user EMAIL or FITCLAIM_USER"):
            run(*args, monkeypatch=monkeypatch)


@pytest.mark.parametrize("email", ["jo@riverbend.test", "admin@northside.test"])
def test_a_client_one_may_not_see_is_not_found(
    world: World, email: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in (("coverage", str(world.dana.pk)), ("case", "export", str(world.dana.pk))):
        with pytest.raises(CommandError, match="no such client"):
            run(*args, "--user", email, monkeypatch=monkeypatch)


def test_bad_arguments_are_named(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CommandError, match="CLIENT: not a client id"):
        run("coverage", "ses-4", "--user", "admin@riverbend.test", monkeypatch=monkeypatch)
    with pytest.raises(CommandError, match="--as-of: not a date"):
        run(
            "coverage",
            str(world.dana.pk),
            "--as-of",
            "tomorrow",
            "--user",
            "admin@riverbend.test",
            monkeypatch=monkeypatch,
        )


def test_an_engine_failure_names_its_problems(
    world: World, sessions: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import fitclaim.coverage.selectors as selectors

    real = selectors.build_case

    def broken(**kwargs: Any) -> Any:
        build = real(**kwargs)
        build.case["sessions"][0]["trainer"] = "trn-999999"
        return build

    monkeypatch.setattr(selectors, "build_case", broken)
    for extra in ((), ("--json",)):
        with pytest.raises(CommandError, match=r"sessions\[0\]\.trainer: unknown trainer"):
            run(
                "coverage",
                str(world.dana.pk),
                *extra,
                "--user",
                "admin@riverbend.test",
                monkeypatch=monkeypatch,
            )
