"""CSV import: every problem by line and column and nothing written; a good
file imported once, all or nothing; the same for clients; the command line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404

from fitclaim.audit.models import AuditEvent
from fitclaim.clients.models import Client
from fitclaim.training.imports import RowProblem, clients_import, sessions_import
from fitclaim.training.models import ImportBatch, SessionStatus, TrainingSession

from .conftest import World, days_ago, today

HEADER = "date,time,client,trainer,facility,code,units,minutes,charge,status,notes,external_id\n"


def good_rows(world: World, n: int = 3) -> str:
    return "".join(
        f"{days_ago(n - i).isoformat()},07:00,{world.dana.pk},Sam Ortiz,Main Studio,S9451,,60,"
        f"85.00,attended,,ext-{i}\n"
        for i in range(n)
    )


def test_a_good_file_is_imported_in_one_batch(world: World, admin: object) -> None:
    report = sessions_import(by=admin, content=HEADER + good_rows(world, 3), file_name="feb.csv")
    assert report.ok and report.committed and report.created == 3
    sessions = list(TrainingSession.objects.order_by("date"))
    assert len(sessions) == 3
    assert {s.import_batch_id for s in sessions} == {report.batch.pk}
    assert sessions[0].facility == world.facility and sessions[0].trainer == world.sam
    assert sessions[0].status == SessionStatus.ATTENDED and sessions[0].charge == Decimal("85.00")
    assert sessions[0].start_time == dt.time(7, 0) and sessions[0].external_id == "ext-0"
    event = AuditEvent.objects.get(entity="import")
    assert "imported 3 sessions from feb.csv" in event.summary


def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_written(
    world: World, admin: object
) -> None:
    future = (today() + dt.timedelta(days=5)).isoformat()
    content = (
        HEADER
        # line 2: fine
        + f"{days_ago(3)},07:00,{world.dana.pk},Sam Ortiz,,S9451,,60,85.00,attended,,a\n"
        + f"2026-02-30,7am,{world.dana.pk},Nobody,Nowhere,X1,0,sixty,85.001,maybe,,b\n"  # line 3
        + f"{days_ago(2)},,{world.riley.pk},Sam Ortiz,,97110,,45,-5,,,c\n"  # line 4
        + f"{future},08:00,dana@nowhere.test,Jo Kim,,S9451,,60,85,attended,,a\n"  # line 5
        + "only,three,cells\n"  # line 6
    )
    report = sessions_import(by=admin, content=content, file_name="bad.csv")
    found = {(p.line, p.column) for p in report.errors}
    assert found == {
        (3, "date"),
        (3, "time"),
        (3, "trainer"),
        (3, "facility"),
        (3, "code"),
        (3, "units"),
        (3, "minutes"),
        (3, "charge"),
        (3, "status"),
        (4, "client"),  # Riley is another organization's client: not found
        (4, "charge"),
        (5, "client"),
        (5, "status"),
        (5, "external_id"),  # "a" is also on line 2
        (6, ""),
    }
    by_place = {(p.line, p.column): p.message for p in report.errors}
    assert by_place[(3, "trainer")] == "no trainer named 'Nobody'"
    assert by_place[(4, "client")] == f"no client with id {world.riley.pk}"
    assert by_place[(4, "charge")] == "cannot be negative"
    assert "also on line 2" in by_place[(5, "external_id")]
    assert str(RowProblem(3, "code", "x")) == "line 3, code: x"
    assert not report.committed
    assert not TrainingSession.objects.exists() and not ImportBatch.objects.exists()


def test_a_header_with_an_unknown_or_missing_column_is_reported(
    world: World, admin: object
) -> None:
    report = sessions_import(by=admin, content="date,client,trainer,chrage\n2026-01-01,1,2,3\n")
    assert {(p.line, p.column) for p in report.errors} == {
        (1, "chrage"),
        (1, "code"),
        (1, "charge"),
    }


def test_a_dry_run_checks_everything_and_writes_nothing(world: World, admin: object) -> None:
    report = sessions_import(by=admin, content=HEADER + good_rows(world), dry_run=True)
    assert report.ok and not report.committed and report.rows == 3
    assert "no problems" in report.summary()
    assert not TrainingSession.objects.exists()


def test_the_same_file_is_imported_once(world: World, admin: object) -> None:
    content = (HEADER + good_rows(world, 4)).encode()
    first = sessions_import(by=admin, content=content, file_name="a.csv")
    again = sessions_import(by=admin, content=content, file_name="a-copy.csv")
    assert first.committed and not again.committed
    assert again.already_imported is not None and again.already_imported.pk == first.batch.pk
    assert "already imported" in again.summary()
    assert TrainingSession.objects.count() == 4


def test_rows_already_imported_from_another_file_are_refused_by_their_external_id(
    world: World, admin: object
) -> None:
    sessions_import(by=admin, content=HEADER + good_rows(world, 2))
    overlapping = HEADER + good_rows(world, 3)
    report = sessions_import(by=admin, content=overlapping)
    assert {(p.line, p.column) for p in report.errors} == {(2, "external_id"), (3, "external_id")}
    assert TrainingSession.objects.count() == 2


def test_a_97xxx_row_by_an_unlicensed_trainer_is_imported_with_a_warning(
    world: World, admin: object
) -> None:
    content = HEADER + f"{days_ago(1)},07:00,{world.dana.pk},Sam Ortiz,,97110,,45,120.00,,,\n"
    report = sessions_import(by=admin, content=content)
    assert report.committed and TrainingSession.objects.get().units == 3
    [warning] = report.warnings
    assert (warning.line, warning.column) == (2, "code")
    assert warning.message.startswith("CODE_NEEDS_LICENSE")


def test_a_trainer_imports_only_for_assigned_clients(world: World) -> None:
    content = HEADER + f"{days_ago(1)},07:00,{world.marcus.pk},Sam Ortiz,,S9451,,60,85,,,\n"
    report = sessions_import(by=world["trainer_assigned"].actor(), content=content)
    assert [(p.line, p.column) for p in report.errors] == [(2, "client")]
    with pytest.raises(Http404):
        sessions_import(by=world["client_self"].actor(), content=content)


def test_clients_are_referred_to_by_id_email_or_name(world: World, admin: object) -> None:
    world.dana.email = "dana@example.test"
    world.dana.save()
    content = (
        "date,client,trainer,code,charge\n"
        f"{days_ago(3)},{world.dana.pk},Sam Ortiz,S9451,85\n"
        f"{days_ago(2)},DANA@example.test,sam ortiz,S9451,85\n"
        f"{days_ago(1)},Dana Reyes,{world.sam.pk},S9451,85\n"
    )
    report = sessions_import(by=admin, content=content)
    assert report.committed and set(
        TrainingSession.objects.values_list("client_id", flat=True)
    ) == {world.dana.pk}


def test_imported_attended_sessions_take_their_package_shares(world: World, admin: object) -> None:
    from fitclaim.payments.services import package_purchase

    package_purchase(
        by=admin,
        client=world.dana,
        purchased_on=days_ago(10),
        sessions_count=2,
        price="150.00",
        method="card",
    )
    report = sessions_import(by=admin, content=HEADER + good_rows(world, 3))
    assert report.committed
    paid = list(TrainingSession.objects.order_by("date").values_list("paid_total", flat=True))
    assert paid == [Decimal("75.00"), Decimal("75.00"), Decimal("0.00")]


# --------------------------------------------------------------------- clients


def test_clients_import_with_the_same_rules_as_the_form(world: World, admin: object) -> None:
    content = (
        "first_name,last_name,birth_date,email,conditions,trainers\n"
        "Ana,Park,1980-05-01,ana@example.test,E66.811;F41.1,Sam Ortiz\n"
        "Bo,,1980-13-01,not-an-email,E66,Nobody\n"
    )
    report = clients_import(by=admin, content=content, file_name="clients.csv")
    found = {(p.line, p.column) for p in report.errors}
    assert {(3, "birth_date"), (3, "trainers")} <= found
    assert not report.committed
    assert not Client.objects.filter(last_name="Park").exists()
    good = clients_import(by=admin, content=content.rsplit("Bo,", 1)[0])
    assert good.committed and good.created == 1
    ana = Client.objects.get(last_name="Park")
    assert ana.conditions == ["E66.811", "F41.1"] and list(ana.trainers.all()) == [world.sam]


def test_a_clients_row_problem_found_by_the_service_is_named_by_column(
    world: World, admin: object
) -> None:
    content = "first_name,last_name,email,conditions\nBo,,not-an-email,E66\n"
    report = clients_import(by=admin, content=content)
    assert {(p.line, p.column) for p in report.errors} == {
        (2, "last_name"),
        (2, "email"),
        (2, "conditions"),
    }


# --------------------------------------------------------------------- the command line


def test_the_command_imports_as_the_named_user(
    world: World, tmp_path: Path, capsys: object
) -> None:
    path = tmp_path / "sessions.csv"
    path.write_text(HEADER + good_rows(world, 2))
    call_command("import", "sessions", str(path), "--user", "admin@riverbend.test")
    assert TrainingSession.objects.count() == 2
    assert ImportBatch.objects.get().created_by == world["admin"].user


def test_the_command_refuses_without_a_user(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FITCLAIM_USER", raising=False)
    path = tmp_path / "sessions.csv"
    path.write_text(HEADER + good_rows(world, 1))
    with pytest.raises(CommandError, match="--user EMAIL or FITCLAIM_USER"):
        call_command("import", "sessions", str(path))
    assert not TrainingSession.objects.exists()


def test_the_command_prints_every_problem_and_fails(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FITCLAIM_USER", "admin@riverbend.test")
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + f"2026-02-30,07:00,{world.dana.pk},Sam Ortiz,,S9451,,60,85,,,\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "sessions", str(path), "--dry-run")
    assert "bad.csv: line 2, date: not a date (YYYY-MM-DD): '2026-02-30'" in capsys.readouterr().err


def test_the_import_page_checks_then_imports(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    http = world["billing"].http()
    bad = HEADER + f"{days_ago(1)},07:00,{world.dana.pk},Sam Ortiz,,S9451,,60,eighty,,,\n"
    response = http.post(
        "/sessions/import/",
        {"file": SimpleUploadedFile("s.csv", bad.encode()), "action": "import"},
    )
    text = response.content.decode()
    assert response.status_code == 200 and "nothing was imported" in text
    assert '<td class="num">2</td><td>charge</td><td>not an amount: &#x27;eighty&#x27;</td>' in text
    good = bad.replace("eighty", "80.00")
    checked = http.post(
        "/sessions/import/", {"file": SimpleUploadedFile("s.csv", good.encode()), "action": "check"}
    )
    assert "no problems" in checked.content.decode() and not TrainingSession.objects.exists()
    done = http.post(
        "/sessions/import/",
        {"file": SimpleUploadedFile("s.csv", good.encode()), "action": "import"},
        follow=True,
    )
    assert "imported 1 sessions" in done.content.decode()
    assert TrainingSession.objects.count() == 1


def test_the_command_imports_clients(world: World, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("first_name,last_name,conditions,trainers\nAna,Park,E66.811,Sam Ortiz\n")
    call_command("import", "clients", str(path), "--user", "billing@riverbend.test")
    assert list(Client.objects.get(last_name="Park").trainers.all()) == [world.sam]
    with pytest.raises(CommandError, match="may not import clients"):
        call_command("import", "clients", str(path), "--user", "dana@example.test")
