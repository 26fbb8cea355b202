"""CSV import of sessions and of clients: check every row, then all or nothing.

The columns are documented in docs/csv-import.md. An import first checks every
row and reports each problem by line and column; a dry run stops there. A real
run writes nothing unless every row is good, and then writes everything in one
transaction: a run that is interrupted (the process killed, the machine
rebooted) leaves nothing behind, and running it again imports it once. The
file's SHA-256 is recorded with the committed batch and is unique, so a file
that was imported is never imported twice, even by two people at once.

Sessions are written with bulk inserts in batches, with every lookup (clients,
trainers, facilities, existing external ids) loaded once up front, so 100,000
rows take seconds (docs/benchmarks.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record
from fitclaim.clients.access import may_create_clients, may_edit_visible_clients
from fitclaim.domain.claim_checks import SessionLine, check_code_license
from fitclaim.domain.service_codes import service_code, units_for
from fitclaim.training.models import ImportBatch, SessionStatus, TrainingSession
from fitclaim.training.services import money_problem

BATCH_SIZE = 2000

Progress = Callable[[str, int, int], None]  # (phase, done, total)

SESSION_COLUMNS: dict[str, bool] = {
    # column: required
    "date": True,
    "client": True,
    "trainer": True,
    "code": True,
    "charge": True,
    "time": False,
    "minutes": False,
    "units": False,
    "status": False,
    "facility": False,
    "notes": False,
    "external_id": False,
}
CLIENT_COLUMNS: dict[str, bool] = {
    "first_name": True,
    "last_name": True,
    "birth_date": False,
    "email": False,
    "phone": False,
    "address": False,
    "conditions": False,
    "trainers": False,
}
STATUS_WORDS = {
    "scheduled": SessionStatus.SCHEDULED,
    "attended": SessionStatus.ATTENDED,
    "cancelled": SessionStatus.CANCELLED,
    "canceled": SessionStatus.CANCELLED,
    "no_show": SessionStatus.NO_SHOW,
    "no-show": SessionStatus.NO_SHOW,
    "noshow": SessionStatus.NO_SHOW,
}


@dataclass(frozen=True)
class RowProblem:
    """A problem at a line of the file (the header is line 1) and a column."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


@dataclass
class ImportReport:
    kind: str
    file_name: str
    sha256: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    batch: ImportBatch | None = None
    already_imported: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def committed(self) -> bool:
        return self.batch is not None

    def summary(self) -> str:
        if self.already_imported is not None:
            batch = self.already_imported
            return (
                f"{self.file_name or 'this file'} was already imported "
                f"(batch {batch.pk}, {batch.rows} rows, "
                f"{timezone.localtime(batch.created_at):%Y-%m-%d %H:%M}): "
                "nothing to do"
            )
        if self.errors:
            lines = len({e.line for e in self.errors})
            return (
                f"{len(self.errors)} problem(s) in {lines} line(s) of {self.rows} rows: "
                "nothing was imported"
            )
        if self.dry_run:
            return f"{self.rows} rows checked, no problems: run without --dry-run to import them"
        return f"imported {self.created} {self.kind} (batch {self.batch.pk if self.batch else '-'})"


def _noop(phase: str, done: int, total: int) -> None:
    return None


def _decode(content: bytes | str) -> tuple[str, bytes]:
    if isinstance(content, str):
        return content, content.encode("utf-8")
    try:
        return content.decode("utf-8-sig"), content
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": f"not UTF-8 text (byte {exc.start})"}) from None


def _rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lowercased, trimmed) and every row with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError({"file": "the file is empty: it needs a header line"}) from None
    except csv.Error as exc:
        raise ValidationError({"file": f"line 1: {exc}"}) from None
    header = [name.strip().lower() for name in header]
    rows: list[tuple[int, list[str]]] = []
    line = reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError({"file": f"line {line}: {exc}"}) from None
    return header, rows


def _check_header(header: list[str], columns: dict[str, bool]) -> list[RowProblem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name not in columns:
            problems.append(
                RowProblem(
                    1, name or "(blank)", f"unknown column; the columns are {', '.join(columns)}"
                )
            )
        elif name in seen:
            problems.append(RowProblem(1, name, "column given twice"))
        seen.add(name)
    for name, required in columns.items():
        if required and name not in seen:
            problems.append(RowProblem(1, name, "required column is missing"))
    return problems


def _ambiguous(kind: str, value: str, count: int) -> str:
    return f"{count} {kind}s match {value!r}: use the id"


class _Lookup:
    """Name, email or id to record, loaded once for the whole file."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.by_id: dict[int, Any] = {}
        self.by_key: dict[str, list[Any]] = {}

    def add(self, record: Any, *keys: str) -> None:
        self.by_id[record.pk] = record
        for key in {k.strip().lower() for k in keys if k and k.strip()}:
            self.by_key.setdefault(key, []).append(record)

    def find(self, value: str) -> tuple[Any, str | None]:
        value = value.strip()
        if not value:
            return None, "required"
        if value.isdigit():
            record = self.by_id.get(int(value))
            return (
                (record, None) if record is not None else (None, f"no {self.kind} with id {value}")
            )
        matches = self.by_key.get(value.lower(), [])
        if len(matches) == 1:
            return matches[0], None
        if not matches:
            return None, f"no {self.kind} named {value!r}"
        return None, _ambiguous(self.kind, value, len(matches))


def _time(value: str) -> tuple[dt.time | None, str | None]:
    value = value.strip()
    if not value:
        return None, None
    try:
        parsed = dt.time.fromisoformat(value if len(value) != 4 else "0" + value)
    except ValueError:
        return None, f"not a time (HH:MM, 24-hour): {value!r}"
    return parsed.replace(tzinfo=None), None


def _int(value: str, low: int, high: int) -> tuple[int | None, str | None]:
    value = value.strip()
    if not value.isdigit():
        return None, f"a whole number is required, not {value!r}"
    number = int(value)
    if not low <= number <= high:
        return None, f"must be between {low} and {high}"
    return number, None


def _require_importer(by: Actor) -> None:
    if not may_edit_visible_clients(by):
        raise Http404("not found")


def _already(by: Actor, kind: str, sha256: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(
        organization_id=by.membership.organization_id, kind=kind, sha256=sha256
    ).first()


# --------------------------------------------------------------------- sessions


def sessions_import(
    *,
    by: Actor,
    content: bytes | str,
    file_name: str = "",
    dry_run: bool = False,
    progress: Progress = _noop,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Check a sessions CSV, and unless it is a dry run or has problems, import
    it in one transaction. Problems come back in the report, never half-written."""
    from fitclaim.clients.selectors import clients_visible_to
    from fitclaim.facilities.models import Facility
    from fitclaim.trainers.models import Trainer

    _require_importer(by)
    text, raw = _decode(content)
    sha256 = hashlib.sha256(raw).hexdigest()
    report = ImportReport(
        kind=ImportBatch.Kind.SESSIONS, file_name=file_name, sha256=sha256, dry_run=dry_run
    )
    header, rows = _rows(text)
    report.rows = len(rows)
    report.already_imported = _already(by, ImportBatch.Kind.SESSIONS, sha256)
    if report.already_imported is not None:
        return report
    report.errors.extend(_check_header(header, SESSION_COLUMNS))
    if report.errors:
        return report
    index = {name: i for i, name in enumerate(header)}
    org_id = by.membership.organization_id

    clients = _Lookup("client")
    for client in clients_visible_to(by).only("pk", "first_name", "last_name", "email"):
        clients.add(client, client.email, f"{client.first_name} {client.last_name}")
    trainers = _Lookup("trainer")
    for trainer in Trainer.objects.filter(organization_id=org_id).select_related("user"):
        trainers.add(
            trainer, trainer.name, trainer.email, trainer.user.email if trainer.user else ""
        )
    facilities = _Lookup("facility")
    for facility in Facility.objects.filter(organization_id=org_id):
        facilities.add(facility, facility.name)

    external_ids: dict[str, int] = {}
    if "external_id" in index:
        position = index["external_id"]
        for line, row in rows:
            value = row[position].strip() if position < len(row) else ""
            if value:
                if value in external_ids:
                    report.errors.append(
                        RowProblem(
                            line,
                            "external_id",
                            f"also on line {external_ids[value]}: each row needs its own",
                        )
                    )
                else:
                    external_ids[value] = line
        existing = _existing_external_ids(org_id, list(external_ids))
        for value in sorted(existing, key=external_ids.__getitem__):
            report.errors.append(
                RowProblem(
                    external_ids[value],
                    "external_id",
                    f"{value!r} was already imported: remove the row or change its id",
                )
            )

    checker = _SessionRows(
        by=by,
        header=header,
        clients=clients,
        trainers=trainers,
        facilities=facilities,
        today=timezone.localdate(),
    )
    total = len(rows)
    for number, (line, row) in enumerate(rows, start=1):
        checker.check(line, row, report)
        if number % 5000 == 0:
            progress("check", number, total)
    progress("check", total, total)
    # By line, and within a line in column order (the sort is stable).
    report.errors.sort(key=lambda problem: problem.line)
    if report.errors or dry_run:
        return report
    return _commit_sessions(
        by=by,
        report=report,
        rows=checker.values,
        attended_clients=checker.attended_clients,
        progress=progress,
        batch_size=batch_size,
    )


# The columns an imported session is written with, in this order, and then
# `import_batch_id` (known only once the batch exists). Checked against the
# model when the module loads, so a new column cannot be silently left out.
_INSERT_COLUMNS = (
    "organization_id",
    "client_id",
    "trainer_id",
    "facility_id",
    "date",
    "start_time",
    "minutes",
    "code",
    "units",
    "charge",
    "paid_total",
    "status",
    "notes",
    "schedule_id",
    "external_id",
    "created_by_id",
    "created_at",
    "updated_at",
)
_MODEL_COLUMNS = {f.attname for f in TrainingSession._meta.concrete_fields if not f.primary_key}
if {*_INSERT_COLUMNS, "import_batch_id"} != _MODEL_COLUMNS:
    raise ImproperlyConfigured(
        "the sessions importer does not write every column of TrainingSession: "
        f"{sorted(_MODEL_COLUMNS ^ {*_INSERT_COLUMNS, 'import_batch_id'})}"
    )


class _SessionRows:
    """Checks rows one by one and keeps each good row as the tuple of values it
    will be inserted with (_INSERT_COLUMNS), already adapted for the database.

    A file repeats the same few dates, times, codes and amounts thousands of
    times, so each distinct text is parsed once and remembered: most of a
    row's check is then a handful of dictionary lookups.
    """

    def __init__(
        self,
        *,
        by: Actor,
        header: list[str],
        clients: _Lookup,
        trainers: _Lookup,
        facilities: _Lookup,
        today: dt.date,
    ) -> None:
        from django.db import connection

        self.ops = connection.ops
        self.position = {name: i for i, name in enumerate(header)}
        self.width = len(header)
        self.clients, self.trainers, self.facilities = clients, trainers, facilities
        self.today = today
        self.org_id = by.membership.organization_id
        self.user_id = by.user.pk
        now = timezone.now()
        self.now = self.ops.adapt_datetimefield_value(now)
        self.zero = self.ops.adapt_decimalfield_value(Decimal("0.00"))
        self.values: list[tuple[Any, ...]] = []
        self.attended_clients: set[int] = set()
        self._dates: dict[str, tuple[dt.date | None, Any, str | None]] = {}
        self._times: dict[str, tuple[Any, str | None]] = {}
        self._money: dict[str, tuple[Decimal | None, Any, str | None]] = {}
        self._ints: dict[tuple[str, int, int], tuple[int | None, str | None]] = {}

    def _date(self, text: str) -> tuple[dt.date | None, Any, str | None]:
        found = self._dates.get(text)
        if found is None:
            value = text.strip()
            try:
                if len(value) != 10:
                    raise ValueError
                date = dt.date.fromisoformat(value)
            except ValueError:
                message = f"not a date (YYYY-MM-DD): {value!r}" if value else "required"
                found = (None, None, message)
            else:
                found = (date, self.ops.adapt_datefield_value(date), None)
            self._dates[text] = found
        return found

    def _time(self, text: str) -> tuple[Any, str | None]:
        found = self._times.get(text)
        if found is None:
            value, message = _time(text)
            found = (self.ops.adapt_timefield_value(value) if value else None, message)
            self._times[text] = found
        return found

    def _charge(self, text: str) -> tuple[Decimal | None, Any, str | None]:
        found = self._money.get(text)
        if found is None:
            amount, message = money_problem(text)
            adapted = (
                self.ops.adapt_decimalfield_value(amount, 10, 2) if amount is not None else None
            )
            found = (amount, adapted, message)
            self._money[text] = found
        return found

    def _int(self, text: str, low: int, high: int) -> tuple[int | None, str | None]:
        key = (text, low, high)
        found = self._ints.get(key)
        if found is None:
            found = self._ints[key] = _int(text, low, high)
        return found

    def check(self, line: int, row: list[str], report: ImportReport) -> None:
        errors = report.errors
        if len(row) != self.width:
            errors.append(
                RowProblem(line, "", f"{len(row)} values, but the header has {self.width} columns")
            )
            return
        position = self.position

        def cell(name: str) -> str:
            index = position.get(name)
            return row[index] if index is not None else ""

        problems: list[RowProblem] = []
        date, date_value, message = self._date(cell("date"))
        if message:
            problems.append(RowProblem(line, "date", message))
        client, message = self.clients.find(cell("client"))
        if message:
            problems.append(RowProblem(line, "client", message))
        trainer, message = self.trainers.find(cell("trainer"))
        if message:
            problems.append(RowProblem(line, "trainer", message))
        facility = None
        if cell("facility").strip():
            facility, message = self.facilities.find(cell("facility"))
            if message:
                problems.append(RowProblem(line, "facility", message))
        code = cell("code").strip().upper()
        entry = service_code(code) if code else None
        if entry is None:
            problems.append(
                RowProblem(line, "code", f"unknown service code {code!r}" if code else "required")
            )
        charge, charge_value, message = self._charge(cell("charge"))
        if message:
            problems.append(RowProblem(line, "charge", message))
        time_value, message = self._time(cell("time"))
        if message:
            problems.append(RowProblem(line, "time", message))
        minutes: int | None = 60
        if cell("minutes").strip():
            minutes, message = self._int(cell("minutes"), 1, 1440)
            if message:
                problems.append(RowProblem(line, "minutes", message))
        units = None
        if cell("units").strip():
            units, message = self._int(cell("units"), 1, 99)
            if message:
                problems.append(RowProblem(line, "units", message))
        status_text = cell("status").strip().lower()
        status: str | None = None
        if status_text:
            status = STATUS_WORDS.get(status_text)
            if status is None:
                problems.append(
                    RowProblem(line, "status", "one of scheduled, attended, cancelled, no_show")
                )
        if date is not None and status is None and not status_text:
            status = SessionStatus.ATTENDED if date <= self.today else SessionStatus.SCHEDULED
        if (
            date is not None
            and date > self.today
            and status in (SessionStatus.ATTENDED, SessionStatus.NO_SHOW)
        ):
            problems.append(
                RowProblem(
                    line, "status", "a session in the future cannot be attended or missed yet"
                )
            )
        if problems:
            errors.extend(problems)
            return
        if errors:
            # Nothing will be written: keep checking the rest, stop building rows.
            return
        assert entry is not None and minutes is not None and charge is not None
        if entry.needs_license:
            check = check_code_license(
                SessionLine(str(line), code, trainer.name, trainer.licensed_profession)
            )
            if check is not None:
                report.warnings.append(RowProblem(line, "code", f"{check.code}: {check.message}"))
        if status == SessionStatus.ATTENDED:
            self.attended_clients.add(client.pk)
        self.values.append(
            (
                self.org_id,
                client.pk,
                trainer.pk,
                facility.pk if facility is not None else None,
                date_value,
                time_value,
                minutes,
                code,
                units if units is not None else units_for(code, minutes),
                charge_value,
                self.zero,
                status,
                cell("notes").strip(),
                None,
                cell("external_id").strip()[:100],
                self.user_id,
                self.now,
                self.now,
            )
        )


def _existing_external_ids(org_id: int, values: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), 900):
        chunk = values[start : start + 900]
        found.update(
            TrainingSession.objects.filter(
                organization_id=org_id, external_id__in=chunk
            ).values_list("external_id", flat=True)
        )
    return found


def _insert_sql() -> str:
    from django.db import connection

    quote = connection.ops.quote_name
    column_of = {f.attname: f.column for f in TrainingSession._meta.concrete_fields}
    names = ", ".join(quote(column_of[name]) for name in (*_INSERT_COLUMNS, "import_batch_id"))
    marks = ", ".join(["%s"] * (len(_INSERT_COLUMNS) + 1))
    table = quote(TrainingSession._meta.db_table)
    # Every name comes from the model's metadata; the values are parameters.
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608


def _copy_rows(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY the rows in, one statement per batch (a row-by-row
    INSERT costs a round trip each). Inside the caller's transaction, like the rest."""
    from django.db import connection

    quote = connection.ops.quote_name
    column_of = {f.attname: f.column for f in TrainingSession._meta.concrete_fields}
    names = ", ".join(quote(column_of[name]) for name in (*_INSERT_COLUMNS, "import_batch_id"))
    table = quote(TrainingSession._meta.db_table)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _commit_sessions(
    *,
    by: Actor,
    report: ImportReport,
    rows: list[tuple[Any, ...]],
    attended_clients: set[int],
    progress: Progress,
    batch_size: int,
) -> ImportReport:
    """Write every checked row in one transaction, in batches.

    The rows go in with plain parameterized INSERTs (executemany), not through
    model instances: they were checked already, and building 100,000 model
    objects only to have the ORM take them apart again is most of the time an
    import would otherwise take. The database's own constraints still hold.
    """
    from django.db import connection

    from fitclaim.clients.models import Client
    from fitclaim.payments.models import Package
    from fitclaim.payments.services import packages_apply

    total = len(rows)
    sql = _insert_sql()
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                organization_id=by.membership.organization_id,
                kind=ImportBatch.Kind.SESSIONS,
                file_name=report.file_name[:255],
                sha256=report.sha256,
                rows=total,
                created_by=by.user,
            )
            with connection.cursor() as cursor:
                for start in range(0, total, batch_size):
                    chunk = [(*values, batch.pk) for values in rows[start : start + batch_size]]
                    if connection.vendor == "postgresql":
                        _copy_rows(cursor.cursor, chunk)
                    else:
                        cursor.executemany(sql, chunk)
                    progress("write", start + len(chunk), total)
            # Attended sessions of clients with a prepaid package take their shares.
            with_packages = set(
                Package.objects.filter(client_id__in=attended_clients).values_list(
                    "client_id", flat=True
                )
            )
            for client in Client.objects.filter(pk__in=with_packages).order_by("pk"):
                packages_apply(by=by, client=client)
            audit_record(
                actor=by,
                action="create",
                entity="import",
                entity_id=batch.pk,
                changes={"rows": [None, total], "sha256": [None, report.sha256]},
                summary=f"imported {total} sessions from {report.file_name or 'a CSV file'}",
            )
    except IntegrityError:
        # The same file committed by someone else a moment ago.
        already = _already(by, ImportBatch.Kind.SESSIONS, report.sha256)
        if already is None:
            raise
        report.already_imported = already
        return report
    report.batch = batch
    report.created = total
    return report


# --------------------------------------------------------------------- clients

_CLIENT_FIELD_COLUMNS = {"trainer_ids": "trainers"}


def clients_import(
    *,
    by: Actor,
    content: bytes | str,
    file_name: str = "",
    dry_run: bool = False,
    progress: Progress = _noop,
) -> ImportReport:
    """Check a clients CSV with the same rules as adding a client by hand (each
    row goes through `client_create`), and commit only if every row is good.
    A dry run does the same work and rolls it back."""
    from fitclaim.clients.services import client_create
    from fitclaim.trainers.models import Trainer

    if not may_create_clients(by):
        raise Http404("not found")
    text, raw = _decode(content)
    sha256 = hashlib.sha256(raw).hexdigest()
    report = ImportReport(
        kind=ImportBatch.Kind.CLIENTS, file_name=file_name, sha256=sha256, dry_run=dry_run
    )
    header, rows = _rows(text)
    report.rows = len(rows)
    report.already_imported = _already(by, ImportBatch.Kind.CLIENTS, sha256)
    if report.already_imported is not None:
        return report
    report.errors.extend(_check_header(header, CLIENT_COLUMNS))
    if report.errors:
        return report
    trainers = _Lookup("trainer")
    for trainer in Trainer.objects.filter(
        organization_id=by.membership.organization_id
    ).select_related("user"):
        trainers.add(
            trainer, trainer.name, trainer.email, trainer.user.email if trainer.user else ""
        )

    class _Rollback(Exception):
        pass

    created = 0
    try:
        with transaction.atomic():
            for number, (line, row) in enumerate(rows, start=1):
                if len(row) != len(header):
                    report.errors.append(
                        RowProblem(
                            line, "", f"{len(row)} values, but the header has {len(header)} columns"
                        )
                    )
                    continue
                values = dict(zip(header, (cell.strip() for cell in row), strict=True))
                data: dict[str, Any] = {
                    "first_name": values.get("first_name", ""),
                    "last_name": values.get("last_name", ""),
                    "email": values.get("email", ""),
                    "phone": values.get("phone", ""),
                    "address": values.get("address", ""),
                    "conditions": values.get("conditions", ""),
                }
                bad = False
                if values.get("birth_date"):
                    try:
                        data["birth_date"] = dt.date.fromisoformat(values["birth_date"])
                    except ValueError:
                        report.errors.append(
                            RowProblem(
                                line,
                                "birth_date",
                                f"not a date (YYYY-MM-DD): {values['birth_date']!r}",
                            )
                        )
                        bad = True
                trainer_ids = []
                for name in _split(values.get("trainers", "")):
                    trainer, message = trainers.find(name)
                    if message:
                        report.errors.append(RowProblem(line, "trainers", message))
                        bad = True
                    else:
                        trainer_ids.append(trainer.pk)
                data["trainer_ids"] = trainer_ids
                if bad:
                    continue
                try:
                    with transaction.atomic():
                        client_create(by=by, **data)
                except ValidationError as exc:
                    for field_name, messages in exc.message_dict.items():
                        column = _CLIENT_FIELD_COLUMNS.get(field_name, field_name)
                        for message in messages:
                            report.errors.append(RowProblem(line, column, message))
                else:
                    created += 1
                progress("check", number, len(rows))
            if report.errors or dry_run:
                raise _Rollback
            batch = ImportBatch.objects.create(
                organization_id=by.membership.organization_id,
                kind=ImportBatch.Kind.CLIENTS,
                file_name=file_name[:255],
                sha256=sha256,
                rows=created,
                created_by=by.user,
            )
            audit_record(
                actor=by,
                action="create",
                entity="import",
                entity_id=batch.pk,
                changes={"rows": [None, created], "sha256": [None, sha256]},
                summary=f"imported {created} clients from {file_name or 'a CSV file'}",
            )
    except _Rollback:
        return report
    except IntegrityError:
        already = _already(by, ImportBatch.Kind.CLIENTS, sha256)
        if already is None:
            raise
        report.already_imported = already
        return report
    report.batch = batch
    report.created = created
    return report


def _split(value: str) -> Iterable[str]:
    """Trainers are separated by semicolons (a name may contain a comma)."""
    return [part.strip() for part in value.split(";") if part.strip()]
