"""Coverage API benchmark: requests per second and latency of
GET /api/v1/clients/{id}/coverage for a client with 200 sessions, against a
trivial endpoint of the same app (GET /api/v1/me) in the same run.

Set-up (fresh PostgreSQL database, dropped at the end): migrate, load the demo,
then one more client with SESSIONS attended sessions (paid, receipted) under a
signed letter, an approved pre-authorization, insurance, an FSA and a
wellness program, as the pages would create them; an API token for the
billing user. The server is gunicorn with 2 workers (the worker class and
threads are options) on 127.0.0.1, production-like: DEBUG off, persistent
database connections.

Load comes from a second process (this script, `load` mode): an HTTP/1.1
client keeping CONCURRENCY requests in flight to 127.0.0.1 only. Every phase is
bounded by a number of requests and a number of seconds, whichever comes
first; after a warm-up, the trivial and the coverage endpoints are measured in
turn (twice each, interleaved, so drift affects both alike).

Each request is the last on its connection (gunicorn's sync workers close
every connection, and the gthread runs here use no keep-alive), so the client
says `Connection: close` and shuts down its sending side right after the
request, as a proxy in front of gunicorn would close promptly. gunicorn waits
after each response until the client has closed (`util.close_graceful`) and
takes no other request meanwhile; without the half-close (`--linger`), that
wait is the load process's own reaction time on the same two cores, and it
is measured as if it were the server's.

Phases:
- `me`: GET /api/v1/me, the trivial endpoint (token auth, membership, JSON);
- `coverage`: the coverage endpoint as served, cached per client version;
- `coverage, no cache`: the same on a second server whose cache is a dummy,
  so every request builds the case and runs the engine (the worst case, as
  right after each change), for the record.

    .venv/bin/python bench/api.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/api.py --duration 5 --requests 5000      # a quicker run
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import selectors
import socket
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from _database import fresh_database

HOST = "127.0.0.1"  # the load never leaves this machine
ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- load (second process)


class _Connection:
    """One of the load's connections: a request in flight on a non-blocking socket.

    Plain sockets and one selector rather than asyncio streams: the load runs
    on the same two cores as the server, so every microsecond it spends is
    taken from what is measured."""

    def __init__(self, request: bytes, port: int, half_close: bool) -> None:
        self.request = request
        self.port = port
        self.half_close = half_close
        self.sock: socket.socket | None = None
        self.buffer = bytearray()
        self.started = 0.0
        self.length = -1  # of the body, once the head is in
        self.head_end = -1
        self.status = 0
        self.close_after = False

    def start(self, selector: selectors.BaseSelector) -> None:
        self.started = time.perf_counter()
        self.buffer.clear()
        self.length = self.head_end = -1
        if self.sock is None:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock.connect((HOST, self.port))  # loopback: completes at once
            self.sock.setblocking(False)
            selector.register(self.sock, selectors.EVENT_READ, self)
        self.sock.sendall(self.request)
        if self.half_close:
            # Nothing more to send: the server sees our FIN with the request.
            self.sock.shutdown(socket.SHUT_WR)

    def drop(self, selector: selectors.BaseSelector) -> None:
        if self.sock is not None:
            selector.unregister(self.sock)
            self.sock.close()
            self.sock = None

    def read(self) -> bool | None:
        """Read what has arrived: True when the response is complete, None when
        the server closed the connection early."""
        assert self.sock is not None
        try:
            chunk = self.sock.recv(262144)
        except BlockingIOError:
            return False
        if not chunk:
            return None
        self.buffer += chunk
        if self.head_end < 0:
            self.head_end = self.buffer.find(b"\r\n\r\n")
            if self.head_end < 0:
                return False
            head = bytes(self.buffer[: self.head_end]).split(b"\r\n")
            self.status = int(head[0].split(b" ", 2)[1])
            self.length = 0
            self.close_after = False
            for line in head[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    self.length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    self.close_after = True
        return len(self.buffer) >= self.head_end + 4 + self.length


def _phase(
    path: str,
    token: str,
    port: int,
    concurrency: int,
    requests: int,
    seconds: float,
    half_close: bool,
) -> dict[str, float]:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Accept: application/json\r\nConnection: {'close' if half_close else 'keep-alive'}"
        "\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    errors = 0
    sent = 0
    selector = selectors.DefaultSelector()
    started = time.perf_counter()
    deadline = started + seconds
    open_connections: list[_Connection] = []
    for _ in range(min(concurrency, requests)):
        connection = _Connection(request, port, half_close)
        connection.start(selector)
        open_connections.append(connection)
        sent += 1
    in_flight = len(open_connections)
    while in_flight:
        for key, _ in selector.select(timeout=1.0):
            connection = key.data
            try:
                done = connection.read()
            except (OSError, ValueError):
                done = None
            if done is False:
                continue
            now = time.perf_counter()
            if done is None:
                errors += 1
            else:
                latencies.append(now - connection.started)
                if connection.status != 200:
                    errors += 1
            if done is None or connection.close_after:
                connection.drop(selector)
            if sent < requests and now < deadline:
                try:
                    connection.start(selector)
                    sent += 1
                    continue
                except OSError:
                    errors += 1
                    connection.drop(selector)
            connection.drop(selector)
            in_flight -= 1
        if time.perf_counter() > deadline + 30:
            errors += in_flight  # a response that never came
            break
    selector.close()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(0.50), 1),
        "p90_ms": round(pct(0.90), 1),
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else 0.0,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
    }


def load_main(args: argparse.Namespace) -> int:
    import resource

    plan = json.loads(args.plan)
    results = []
    for step in plan:
        result = _phase(
            step["path"],
            step["token"],
            step["port"],
            step["concurrency"],
            step["requests"],
            step["seconds"],
            step["half_close"],
        )
        results.append({"name": step["name"], "measured": step["measured"], **result})
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.append(
        {"name": "load cpu", "measured": False, "cpu_s": usage.ru_utime + usage.ru_stime}
    )
    print(json.dumps(results))
    return 0


# --------------------------------------------------------------------------- set-up


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _set_up(sessions: int) -> dict[str, object]:
    """Migrate, load the demo and the benchmark client; return ids and token."""
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from fitclaim.accounts.actor import actor_for_email
    from fitclaim.accounts.services import api_token_create
    from fitclaim.clients.demo import demo_load
    from fitclaim.clients.models import Client
    from fitclaim.funding.models import FundingKind, FundingSource
    from fitclaim.lmns.models import Lmn, LmnStatus
    from fitclaim.payments.services import payment_record, receipt_issue_for_payment
    from fitclaim.preauths.models import Preauthorization, PreauthStatus
    from fitclaim.providers.models import Provider
    from fitclaim.trainers.models import Trainer
    from fitclaim.training.services import session_log
    from fitclaim.web.demo_accounts import ADMIN_EMAIL, BILLING_EMAIL

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    demo_load(as_of=today)
    admin = actor_for_email(ADMIN_EMAIL)
    org = admin.organization
    sam = Trainer.objects.get(organization=org, name="Sam Ortiz")
    provider = Provider.objects.filter(organization=org, kind="physician").first()
    client = Client.objects.create(
        organization=org,
        first_name="Bench",
        last_name="Client",
        birth_date=dt.date(1970, 1, 1),
        conditions=["E66.811", "E11.9"],
    )
    client.trainers.set([sam])
    start = today - dt.timedelta(days=int(sessions * 7 / 3) + 7)  # three a week
    year = {"period_start": dt.date(start.year, 1, 1), "period_end": dt.date(today.year, 12, 31)}
    insurance = FundingSource.objects.create(
        organization=org,
        client=client,
        kind=FundingKind.INSURANCE,
        name="Acme Health PPO",
        order=1,
        requires_preauthorization=True,
        covered_conditions=["E66", "E11"],
        required_credentials=["ACSM-CEP"],
        allowed_per_session=Decimal("70.00"),
        deductible=Decimal("500.00"),
        copay=Decimal("20.00"),
        coinsurance=Decimal("0.20"),
        session_limit=120,
        timely_filing_days=365,
        **year,
    )
    FundingSource.objects.create(
        organization=org,
        client=client,
        kind=FundingKind.FSA,
        name="Employer health FSA",
        election=Decimal("3000.00"),
        grace_period_days=75,
        **year,
    )
    FundingSource.objects.create(
        organization=org,
        client=client,
        kind=FundingKind.WELLNESS,
        name="Wellness benefit",
        annual_cap=Decimal("600.00"),
        rate=Decimal("0.50"),
        requires_lmn=False,
        **year,
    )
    lmn = Lmn.objects.create(
        organization=org,
        client=client,
        provider=provider,
        status=LmnStatus.SIGNED,
        diagnoses=["E66.811", "E11.9"],
        valid_from=start,
        valid_to=today + dt.timedelta(days=30),
        signed_on=start,
        signature_method="scan",
        exercise_kind="Supervised resistance and aerobic training",
    )
    lmn.authorized_trainers.set([sam], through_defaults={"organization": org})
    Preauthorization.objects.create(
        organization=org,
        client=client,
        source=insurance,
        lmn=lmn,
        requested_on=start,
        requested_sessions=150,
        requested_from=start,
        requested_to=today + dt.timedelta(days=30),
        status=PreauthStatus.APPROVED,
        reference="PA-BENCH",
        approved_sessions=100,
        valid_from=start,
        valid_to=today + dt.timedelta(days=30),
        answered_on=start,
        service_codes=["S9451"],
    )
    day = start
    logged: list[Any] = []
    while len(logged) < sessions:
        if day.weekday() in (0, 2, 4):
            logged.append(
                session_log(
                    by=admin,
                    client=client,
                    trainer=sam,
                    date=day,
                    start_time=dt.time(7, 0),
                    code="S9451",
                    charge="85.00",
                )
            )
        day += dt.timedelta(days=1)
    for index in range(0, len(logged), 4):  # one payment (and receipt) per 4 sessions
        batch = logged[index : index + 4]
        payment = payment_record(
            by=admin,
            client=client,
            received_on=batch[-1].date,
            amount=str(Decimal("85.00") * len(batch)),
            method="card",
            applications=[(s, "85.00") for s in batch],
        )
        if index + 4 < len(logged):  # the latest sessions still wait for a receipt
            receipt_issue_for_payment(by=admin, payment=payment)
    _, token = api_token_create(actor=actor_for_email(BILLING_EMAIL), name="bench")
    return {"client_id": client.pk, "token": token}


def _check_answer(port: int, token: str, client_id: int, sessions: int) -> str:
    import urllib.request

    request = urllib.request.Request(
        f"http://{HOST}:{port}/api/v1/clients/{client_id}/coverage",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    assert len(body["sessions"]) == sessions, len(body["sessions"])
    payable = sum(
        1
        for s in body["sessions"]
        for d in s.get("decisions", ())
        if d["status"] == "payable" and d["amount"] != "0.00"
    )
    actions = ", ".join(action["code"] for action in body["actions"])
    return f"{len(body['sessions'])} sessions, {payable} payable decisions, actions: {actions}"


def _serve(env: dict[str, str], port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "fitclaim.wsgi:application",
        "--workers",
        "2",
        "--worker-class",
        args.worker_class,
        "--bind",
        f"{HOST}:{port}",
        "--backlog",
        "512",
        "--log-level",
        "warning",
    ]
    if args.worker_class == "gthread":
        # One connection per thread and no keep-alive: a worker takes a request
        # only when a thread is free, so the kernel's accept queue stays the one
        # line every request waits in (first come, first served) instead of
        # connections piling up behind a busy worker.
        command += [
            "--threads",
            str(args.threads),
            "--worker-connections",
            str(args.threads),
            "--keep-alive",
            "0",
        ]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    for _ in range(200):
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="run", choices=["run", "load"])
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server (a fresh database is created on it and dropped after)",
    )
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase, at most")
    parser.add_argument("--requests", type=int, default=20_000, help="requests per phase, at most")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--no-uncached", action="store_true", help="skip the no-cache server")
    parser.add_argument(
        "--linger",
        action="store_true",
        help="keep the client's side open until the response is read (see the docstring)",
    )
    args = parser.parse_args()
    if args.mode == "load":
        return load_main(args)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--database-url: a PostgreSQL server is required")

    _, drop_database = fresh_database(args.database_url, "bench-api")
    database_url, data_dir = os.environ["DATABASE_URL"], os.environ["FITCLAIM_DATA_DIR"]
    (Path(data_dir) / "static").mkdir()
    Path(data_dir, "bench_nocache.py").write_text(
        textwrap.dedent(
            """
            from fitclaim.settings import *  # noqa: F403
            CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
            """
        )
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FITCLAIM_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "fitclaim.settings",
        "DEBUG": "false",
        "DATABASE_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        started = time.perf_counter()
        ids = _set_up(args.sessions)
        print(f"set-up: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        port = _free_port()
        servers.append(_serve(env, port, args))
        nocache_port = None
        if not args.no_uncached:
            nocache_port = _free_port()
            nocache_env = {
                **env,
                "DJANGO_SETTINGS_MODULE": "bench_nocache",
                "PYTHONPATH": data_dir + os.pathsep + env.get("PYTHONPATH", ""),
            }
            servers.append(_serve(nocache_env, nocache_port, args))
        token, client_id = str(ids["token"]), int(ids["client_id"])  # type: ignore[call-overload]
        answer = _check_answer(port, token, client_id, args.sessions)
        coverage = f"/api/v1/clients/{client_id}/coverage"

        def step(name: str, path: str, on: int, measured: bool, seconds: float) -> dict[str, Any]:
            return {
                "name": name,
                "path": path,
                "token": token,
                "port": on,
                "concurrency": args.concurrency,
                "requests": args.requests if measured else 2_000,
                "seconds": seconds,
                "measured": measured,
                "half_close": not args.linger,
            }

        plan = [
            step("me", "/api/v1/me", port, False, 3),
            step("coverage", coverage, port, False, 3),
        ]
        for _ in range(2):
            plan += [
                step("me", "/api/v1/me", port, True, args.duration),
                step("coverage", coverage, port, True, args.duration),
            ]
        if nocache_port is not None:
            plan += [
                step("coverage, no cache", coverage, nocache_port, False, 3),
                step("coverage, no cache", coverage, nocache_port, True, args.duration),
            ]
        load = subprocess.run(
            [sys.executable, __file__, "load", "--plan", json.dumps(plan)],
            check=True,
            capture_output=True,
            text=True,
        )
        everything = json.loads(load.stdout)
        results = [r for r in everything if r["measured"]]
        load_cpu = everything[-1]["cpu_s"]
        load_average = os.getloadavg()
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        drop_database()

    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d}  gunicorn 2 workers ({args.worker_class}"
        + (f", {args.threads} threads" if args.worker_class == "gthread" else "")
        + ("; client lingers" if args.linger else "; client half-closes")
        + f"), PostgreSQL, client with {args.sessions} sessions ({answer}), "
        f"{args.concurrency} connections, phases of at most {args.duration:g} s / "
        f"{args.requests} requests"
    )
    print(
        f"{'endpoint':22} {'requests':>9} {'errors':>6} {'req/s':>8} {'p50 ms':>7} "
        f"{'p90 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    for r in results:
        print(
            f"{r['name']:22} {r['requests']:>9} {r['errors']:>6} {r['rps']:>8} {r['p50_ms']:>7} "
            f"{r['p90_ms']:>7} {r['p99_ms']:>7} {r['max_ms']:>7}"
        )
    me = [r["rps"] for r in results if r["name"] == "me"]
    cov = [r["rps"] for r in results if r["name"] == "coverage"]
    ratio = sum(cov) / sum(me)
    p99 = max(r["p99_ms"] for r in results if r["name"] == "coverage")
    errors = sum(r["errors"] for r in results)
    print(
        f"coverage / me: {ratio:.0%} (target >= 30%); coverage p99 {p99} ms (target < 100 ms); "
        f"errors {errors}"
    )
    print(
        f"load generator CPU {load_cpu:.1f} s; machine load average at the end "
        f"{load_average[0]:.2f} / {load_average[1]:.2f} / {load_average[2]:.2f} "
        f"({os.cpu_count()} CPUs)"
    )
    return 0 if ratio >= 0.30 and p99 < 100 and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
