"""Golden coverage results for the demo clients, built at a fixed date.

Each file in goldens/ is the engine's result for one demo client as of
2026-07-31, with the engine ids (which carry primary keys) replaced by stable
names (`session:2026-05-08`, `source:fsa:Employer health FSA 2026`, ...), and
is compared as data. After a deliberate change (to the demo, the case builder
or the engine), regenerate them and review the diff:

    FITCLAIM_UPDATE_GOLDENS=1 .venv/bin/pytest tests/coverage/test_demo_goldens.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from fitclaim.coverage.case import build_case
from fitclaim.domain.case_checks import case_problems
from fitclaim.domain.engine import adjudicate

from .demo import AS_OF, build_demo, renamed, stable_ids

GOLDENS = Path(__file__).parent / "goldens"
UPDATE = os.environ.get("FITCLAIM_UPDATE_GOLDENS") == "1"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def test_every_demo_clients_case_is_valid_for_the_engine(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = build_demo(monkeypatch)
    assert len(demo.clients) >= 13
    for as_of in (AS_OF, AS_OF.replace(month=1, day=1), AS_OF.replace(year=AS_OF.year + 1)):
        for name, client in sorted(demo.clients.items()):
            case = build_case(client=client, as_of=as_of).case
            assert case_problems(case) == [], (name, as_of)


def test_demo_clients_coverage_matches_the_goldens(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = build_demo(monkeypatch)
    GOLDENS.mkdir(exist_ok=True)
    expected_files = set()
    mismatches = []
    for name, client in sorted(demo.clients.items()):
        build = build_case(client=client, as_of=AS_OF)
        result = renamed(adjudicate(build.case), stable_ids(build))
        path = GOLDENS / f"{slug(name)}.json"
        expected_files.add(path.name)
        if UPDATE:
            path.write_text(json.dumps(result, indent=2) + "\n")
            continue
        assert path.exists(), f"no golden for {name}: run with FITCLAIM_UPDATE_GOLDENS=1"
        if json.loads(path.read_text()) != result:
            mismatches.append(name)
    assert mismatches == [], f"coverage differs from the goldens for {mismatches}"
    assert {p.name for p in GOLDENS.glob("*.json")} == expected_files


def test_the_goldens_show_every_kind_of_answer() -> None:
    """The demo is meant to exercise the page: check the goldens still do."""
    text = "".join(path.read_text() for path in sorted(GOLDENS.glob("*.json")))
    for needle in (
        '"payable"',
        '"settled"',
        '"FUTURE_SESSION"',
        "RECEIPT_MISSING",
        "NOT_PAID_IN_FULL",
        "LMN_EXPIRED",
        "LMN_MISSING",
        "PREAUTH_MISSING",
        "FUNDS_EXHAUSTED",
        "SOURCE_EXCLUDES_TRAINING",
    ):
        assert needle in text, needle
