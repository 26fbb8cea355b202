"""A 10,000-row import killed mid-way leaves nothing; running it again imports
it once, and a third run finds it already imported.

The import runs as the real command in its own process, against a database of
its own (a fresh SQLite file, or a fresh PostgreSQL database when DATABASE_URL
points at PostgreSQL), and is killed with SIGKILL while it is writing: no
cleanup code of ours runs, only the database's own atomicity protects it.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROWS = 10_000

SETUP = """
from fitclaim.accounts.models import Membership, Organization, Role, User
from fitclaim.clients.models import Client
from fitclaim.trainers.models import Trainer
org = Organization.objects.create(name="Kill Test Studio")
user = User.objects.create_user(username="kill", email="kill@studio.test", password="x-unused-9")
Membership.objects.create(user=user, organization=org, role=Role.ADMIN)
Trainer.objects.create(organization=org, name="Sam Ortiz")
print(Client.objects.create(organization=org, first_name="Dana", last_name="Reyes").pk)
"""
COUNT = """
from fitclaim.training.models import ImportBatch, TrainingSession
print(TrainingSession.objects.count(), ImportBatch.objects.count())
"""


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = dict(os.environ)
    env["FITCLAIM_DATA_DIR"] = str(tmp_path / "data")
    env.pop("FITCLAIM_USER", None)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)
        yield env
        return
    import psycopg

    name = f"fc_kill_{uuid.uuid4().hex[:10]}"
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{server}/{name}"
    try:
        yield env
    finally:
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fitclaim(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fitclaim", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def counts(env: dict[str, str]) -> tuple[int, int]:
    result = fitclaim(env, "shell", "-c", COUNT)
    assert result.returncode == 0, result.stderr
    sessions, batches = result.stdout.split()[-2:]
    return int(sessions), int(batches)


def test_an_import_killed_mid_way_leaves_nothing_and_a_rerun_imports_it_once(
    fresh_database: dict[str, str], tmp_path: Path
) -> None:
    env = fresh_database
    migrated = fitclaim(env, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    made = fitclaim(env, "shell", "-c", SETUP)
    assert made.returncode == 0, made.stderr
    client_id = int(made.stdout.split()[-1])

    start = dt.date.today() - dt.timedelta(days=400)
    csv_path = tmp_path / "sessions.csv"
    with csv_path.open("w") as out:
        out.write("date,time,client,trainer,code,charge,external_id\n")
        for i in range(ROWS):
            day = start + dt.timedelta(days=i % 365)
            out.write(f"{day},07:00,{client_id},Sam Ortiz,S9451,85.00,row-{i}\n")
    command = [sys.executable, "-m", "fitclaim", "import", "sessions", str(csv_path)]
    # Small batches: the write takes many steps, so the kill lands well inside it.
    command += ["--user", "kill@studio.test", "--batch-size", "10"]

    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line.strip())
        # The first batches are written, inside the transaction: kill it now.
        if line.startswith("write 300/"):
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, (
        seen,
        process.stderr.read() if process.stderr else "",
    )
    assert not any(line.startswith("imported") for line in seen)
    assert counts(env) == (0, 0)

    again = fitclaim(env, "import", "sessions", str(csv_path), "--user", "kill@studio.test")
    assert again.returncode == 0, again.stderr
    assert f"imported {ROWS} sessions" in again.stdout
    assert counts(env) == (ROWS, 1)

    third = fitclaim(env, "import", "sessions", str(csv_path), "--user", "kill@studio.test")
    assert third.returncode == 0, third.stderr
    assert "already imported" in third.stdout
    assert counts(env) == (ROWS, 1)
