"""Engine benchmark: a fixed, seeded workload through `fitclaim adjudicate --jsonl`.

Workload: CLIENTS clients x SESSIONS sessions each; every case has 2 LMNs, one
insurance with a pre-authorization, an FSA, an HSA and a wellness program; about
10% of sessions carry a problem (no receipt, unpaid balance, unauthorized
trainer, outside the pre-authorization, unknown service code).

Prints: sessions per second with --workers 1 and 2, peak RSS, the ratio to an
orjson load + dump of the same file, and the 10x scaling check (time and RSS).

    .venv/bin/python bench/engine.py                  # 10,000 x 100 and 1,000 x 100
    .venv/bin/python bench/engine.py --clients 2000   # a quicker run
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

FITCLAIM = str(Path(sys.executable).with_name("fitclaim"))
AS_OF = dt.date(2026, 11, 30)


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def make_case(rng: random.Random, index: int, sessions: int) -> dict:
    year_start = dt.date(2026, 1, 1)
    lmn_split = year_start + dt.timedelta(days=rng.randint(120, 200))
    client = f"c{index}"
    case_sessions = []
    day = year_start + dt.timedelta(days=rng.randint(0, 20))
    for n in range(sessions):
        day += dt.timedelta(days=rng.choice((2, 3, 4)))
        charge = rng.choice((8500, 9000, 7500, 12000))
        problem = rng.random() < 0.10
        kind = rng.randint(0, 4) if problem else -1
        case_sessions.append(
            {
                "id": f"s{n + 1}",
                "date": day.isoformat(),
                "trainer": "t2" if kind == 2 else "t1",
                "facility": None,
                "code": "97999" if kind == 4 else rng.choice(("S9451", "97110")),
                "units": 1,
                "charge": money(charge),
                "paid": money(charge - 2000 if kind == 1 else charge),
                "receipt": kind != 0,
            }
        )
    return {
        "as_of": AS_OF.isoformat(),
        "client": {"id": client, "name": f"Client {index}", "conditions": ["E66.01", "E11.9"]},
        "trainers": [
            {
                "id": "t1",
                "name": "Sam Ortiz",
                "credentials": [
                    {"code": "ACSM-CEP", "issued": "2024-01-10", "expires": "2028-01-09"}
                ],
            },
            {"id": "t2", "name": "Jo Kim", "credentials": []},
        ],
        "lmns": [
            {
                "id": "lmn1",
                "issuer": {"name": "Dr. Ana Lee", "npi": "1245319599", "kind": "physician"},
                "diagnoses": ["E66.01", "E11.9"],
                "plan": "Supervised resistance and aerobic training, 2x/week",
                "valid_from": "2025-12-15",
                "valid_to": lmn_split.isoformat(),
                "signed_on": "2025-12-15",
                "sessions_authorized": 60,
                "authorized_trainers": ["t1"],
                "authorized_facilities": [],
            },
            {
                "id": "lmn2",
                "issuer": {"name": "Dr. Ana Lee", "npi": "1245319599", "kind": "physician"},
                "diagnoses": ["E66.01"],
                "valid_from": (lmn_split + dt.timedelta(days=1)).isoformat(),
                "valid_to": "2027-06-30",
                "signed_on": lmn_split.isoformat(),
                "authorized_trainers": ["t1"],
            },
        ],
        "preauthorizations": [
            {
                "id": "pa1",
                "source": "ins1",
                "reference": f"PA-{index}",
                "status": "approved",
                "valid_from": "2026-01-15",
                "valid_to": "2026-09-30",
                "approved_sessions": 40,
            }
        ],
        "sources": [
            {
                "id": "ins1",
                "kind": "insurance",
                "name": "Acme Health PPO",
                "period": {"start": "2026-01-01", "end": "2026-12-31"},
                "requires_preauthorization": True,
                "accepted_issuers": ["physician", "nurse_practitioner"],
                "covered_conditions": ["E66", "E11"],
                "covered_codes": ["S9451", "97110"],
                "required_credentials": ["ACSM-CEP", "NASM-CES"],
                "allowed_per_session": "70.00",
                "deductible": "500.00",
                "deductible_met": money(rng.randint(0, 300) * 100),
                "copay": "20.00",
                "coinsurance": "0.20",
                "session_limit": 50,
                "timely_filing_days": 180,
            },
            {
                "id": "fsa1",
                "kind": "fsa",
                "period": {"start": "2026-01-01", "end": "2026-12-31"},
                "grace_period_days": 75,
                "election": money(rng.choice((150000, 200000, 300000))),
            },
            {"id": "hsa1", "kind": "hsa", "established": "2024-03-01", "balance": "4000.00"},
            {
                "id": "well1",
                "kind": "wellness",
                "period": {"start": "2026-01-01", "end": "2026-12-31"},
                "rate": "0.50",
                "annual_cap": "600.00",
            },
        ],
        "sessions": case_sessions,
    }


def write_workload(path: Path, clients: int, sessions: int, seed: int = 2026) -> int:
    rng = random.Random(seed)
    with path.open("wb") as out:
        for index in range(clients):
            out.write(orjson.dumps(make_case(rng, index, sessions)) + b"\n")
    return path.stat().st_size


def run_engine(path: Path, workers: int) -> tuple[float, int]:
    """Wall time and peak RSS (KiB, largest process) of one adjudication run."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "elapsed = time.perf_counter() - t\n"
        "assert p.returncode == 0, p.returncode\n"
        "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    command = [sys.executable, "-c", code, FITCLAIM, "adjudicate", "--jsonl", str(path)]
    command += ["--workers", str(workers)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1])


def orjson_floor(path: Path) -> float:
    """Merely reading, parsing, serializing and writing the same data."""
    start = time.perf_counter()
    with path.open("rb") as source, open(os.devnull, "wb") as sink:
        for line in source:
            sink.write(orjson.dumps(orjson.loads(line)) + b"\n")
    return time.perf_counter() - start


def measure(path: Path, clients: int, sessions: int, workers: int) -> dict[str, float]:
    size = write_workload(path, clients, sessions)
    floor = orjson_floor(path)
    elapsed, rss = run_engine(path, workers)
    total = clients * sessions
    return {
        "sessions": total,
        "mb": size / 1e6,
        "seconds": elapsed,
        "per_second": total / elapsed,
        "rss_mib": rss / 1024,
        "floor": floor,
        "ratio": elapsed / floor,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    print(
        f"# bench/engine.py  {dt.date.today()}  "
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "cases.jsonl"
        for workers in (1, 2):
            r = measure(big, args.clients, args.sessions, workers)
            print(
                f"workers={workers}  {r['sessions']:,} sessions ({r['mb']:.0f} MB): "
                f"{r['seconds']:.2f} s = {r['per_second']:,.0f} sessions/s; "
                f"peak RSS {r['rss_mib']:.0f} MiB; orjson load+dump {r['floor']:.2f} s; "
                f"ratio {r['ratio']:.2f}x"
            )
        if not args.skip_scaling:
            small = Path(tmp) / "small.jsonl"
            s = measure(small, args.clients // 10, args.sessions, 2)
            print(
                f"scaling (workers=2): {s['sessions']:,} sessions {s['seconds']:.2f} s, "
                f"RSS {s['rss_mib']:.0f} MiB -> {r['sessions']:,} sessions {r['seconds']:.2f} s, "
                f"RSS {r['rss_mib']:.0f} MiB: time x{r['seconds'] / s['seconds']:.2f}, "
                f"RSS x{r['rss_mib'] / s['rss_mib']:.2f}"
            )


if __name__ == "__main__":
    main()
