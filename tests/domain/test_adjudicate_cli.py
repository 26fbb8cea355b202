"""`fitclaim adjudicate` (shared/ENGINE.md, the CLI face and Errors), run as a
subprocess exactly as a user or a batch job runs it."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fitclaim.domain.case_checks import InvalidCase
from fitclaim.domain.cli import adjudicate_main
from fitclaim.domain.engine import adjudicate
from tests.domain.casekit import case as make_case
from tests.domain.casekit import fsa, insurance, session, wellness

CASE_FILE = Path(__file__).with_name("cases") / "engine_md_example.case.json"
EXAMPLE = json.loads(CASE_FILE.read_text())
FITCLAIM = Path(sys.executable).with_name("fitclaim")


def run(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(FITCLAIM), "adjudicate", *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def call(
    *args: str | Path, stdin: bytes = b"", monkeypatch: pytest.MonkeyPatch
) -> tuple[int, bytes, bytes]:
    """The same command in this process (fast; not for --workers > 1)."""
    out, err = io.BytesIO(), io.BytesIO()
    streams = {
        "stdin": io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
        "stdout": io.TextIOWrapper(out, encoding="utf-8", write_through=True),
        "stderr": io.TextIOWrapper(err, encoding="utf-8", write_through=True),
    }
    for name, stream in streams.items():
        monkeypatch.setattr(sys, name, stream)
    code = adjudicate_main([str(a) for a in args])
    for stream in streams.values():
        stream.flush()
    return code, out.getvalue(), err.getvalue()


def line(raw: Any) -> bytes:
    return json.dumps(raw).encode() + b"\n"


def expected_error(raw: Any) -> str:
    with pytest.raises(InvalidCase) as caught:
        adjudicate(raw)
    return str(caught.value)


def broken_example() -> dict[str, Any]:
    raw = copy.deepcopy(EXAMPLE)
    raw["sessions"][1]["reciept"] = True
    del raw["sessions"][0]["paid"]
    raw["sources"][0]["period"]["end"] = "2025-12-31"
    return raw


# --------------------------------------------------------------------------- one case


def test_one_case_prints_its_result_and_exits_0(tmp_path: Path) -> None:
    done = run(CASE_FILE)
    assert done.returncode == 0
    assert done.stderr == b""
    assert done.stdout.endswith(b"\n")
    assert done.stdout.count(b"\n") == 1
    assert json.loads(done.stdout) == json.loads(json.dumps(adjudicate(EXAMPLE)))


def test_dash_reads_the_case_from_standard_input() -> None:
    done = run("-", stdin=CASE_FILE.read_bytes())
    assert done.returncode == 0
    assert json.loads(done.stdout) == json.loads(run(CASE_FILE).stdout)


def test_invalid_case_exits_2_with_one_stderr_line_per_problem_and_nothing_on_stdout(
    tmp_path: Path,
) -> None:
    raw = broken_example()
    path = tmp_path / "case.json"
    path.write_text(json.dumps(raw, indent=2))
    done = run(path)
    assert done.returncode == 2
    assert done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert done.stderr.endswith(b"\n")
    assert "\n".join(lines) == expected_error(raw)
    assert "sessions[1].reciept: unknown key" in lines
    assert "sessions[0].paid: required" in lines
    assert any(x.startswith("sources[0].period.end: ") for x in lines)
    assert len(lines) == 3


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"{",
        b"not json",
        b'{"as_of": "2026-07-31",}',
        b"[]",
        b'"case"',
        b"null",
        b"\xff\xfe{}",
        b'{"as_of": "2026-07-31", "client": {"id": "c\xe9"}}',
    ],
    ids=repr,
)
def test_unparsable_or_non_object_input_exits_2_at_dollar(
    payload: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "case.json"
    path.write_bytes(payload)
    code, out, err = call(path, monkeypatch=monkeypatch)
    assert code == 2
    assert out == b""
    lines = err.decode("utf-8", "replace").splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("$: ")


@pytest.mark.parametrize("which", ["missing", "directory"])
def test_unreadable_file_exits_2_at_dollar(which: str, tmp_path: Path) -> None:
    path = tmp_path / "nope.json" if which == "missing" else tmp_path
    done = run(path)
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode().startswith("$: ")


def test_json_object_with_duplicate_keys_is_not_a_valid_case(tmp_path: Path) -> None:
    text = json.dumps(EXAMPLE).replace(
        '"as_of": "2026-07-31"', '"as_of": "2026-07-31", "as_of": "2026-07-30"', 1
    )
    path = tmp_path / "case.json"
    path.write_text(text)
    done = run(path)
    assert done.returncode == 2
    assert done.stdout == b""


def test_a_count_above_64_bits_is_still_a_json_integer(tmp_path: Path) -> None:
    raw = copy.deepcopy(EXAMPLE)
    raw["sources"][0]["session_limit"] = 2**64
    path = tmp_path / "case.json"
    path.write_text(json.dumps(raw))
    done = run(path)
    assert done.returncode == 0, done.stderr


# --------------------------------------------------------------------------- jsonl


def small_case(index: int) -> dict[str, Any]:
    """A varied little case: amounts, reasons and limits differ with the index."""
    return make_case(
        as_of="2026-06-30",
        sources=[
            insurance(
                coinsurance=f"0.{index % 10}",
                deductible=f"{index % 7 * 10}.00",
                session_limit=index % 4,
                requires_lmn=index % 3 != 0,
            ),
            fsa(election=f"{index % 5 * 25}.00", grace_period_days=index % 2 * 30),
            wellness(rate="0.5", annual_cap="60.00", covered_codes=["97110"] if index % 6 else []),
        ],
        sessions=[
            session("s1", date="2026-03-02", charge=f"{50 + index}.00"),
            session("s2", date="2026-04-06", charge="75.55", receipt=index % 5 != 0),
            session("s3", date="2026-07-06", charge="10.00"),
        ],
    )


def test_jsonl_gives_one_line_per_case_in_order() -> None:
    cases = [small_case(i) for i in range(5)]
    done = run("--jsonl", "-", stdin=b"".join(line(c) for c in cases))
    assert done.returncode == 0
    assert done.stderr == b""
    out = done.stdout.split(b"\n")
    assert out[-1] == b""
    assert [json.loads(x) for x in out[:-1]] == [
        json.loads(json.dumps(adjudicate(c))) for c in cases
    ]


def test_jsonl_skips_blank_lines_of_spaces_tabs_and_carriage_returns(tmp_path: Path) -> None:
    a, b = small_case(1), small_case(2)
    payload = b"\n   \n" + line(a) + b"\t\n\r\n \t\r \n\n" + line(b) + b"  \r\n"
    path = tmp_path / "in.jsonl"
    path.write_bytes(payload)
    done = run("--jsonl", path)
    assert done.returncode == 0
    out = done.stdout.splitlines()
    assert [json.loads(x)["sessions"] for x in out] == [
        json.loads(json.dumps(adjudicate(a)))["sessions"],
        json.loads(json.dumps(adjudicate(b)))["sessions"],
    ]


def test_jsonl_accepts_crlf_line_ends_and_a_last_line_without_newline() -> None:
    a, b = small_case(3), small_case(4)
    payload = json.dumps(a).encode() + b"\r\n" + json.dumps(b).encode()
    done = run("--jsonl", "-", stdin=payload)
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 2
    assert done.stdout.endswith(b"\n")


def test_jsonl_bad_line_yields_its_problems_joined_by_newlines_and_the_run_goes_on() -> None:
    bad = broken_example()
    good = small_case(7)
    payload = line(good) + line(bad) + b"{not json\n" + b"[1, 2]\n" + line(good)
    done = run("--jsonl", "-", stdin=payload)
    assert done.returncode == 1
    assert done.stderr == b""
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert len(out) == 5
    expected_good = json.loads(json.dumps(adjudicate(good)))
    assert out[0] == expected_good
    assert out[1] == {"error": expected_error(bad)}
    assert out[1]["error"].count("\n") == 2
    assert list(out[2]) == ["error"]
    assert out[2]["error"].startswith("$: ")
    assert out[3]["error"].startswith("$: ")
    assert out[4] == expected_good


@pytest.mark.parametrize(
    "junk", [b"\xff\xfe\n", b'{"as_of": "\xe9"}\n', b"\x0c\n", b"\x0b\n"], ids=repr
)
def test_jsonl_line_that_is_not_utf8_json_is_a_bad_line(
    junk: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = small_case(2)
    code, out, _ = call("--jsonl", "-", stdin=junk + line(good), monkeypatch=monkeypatch)
    assert code == 1
    first, second = out.splitlines()
    assert list(json.loads(first)) == ["error"]
    assert json.loads(first)["error"].startswith("$: ")
    assert json.loads(second) == json.loads(json.dumps(adjudicate(good)))


def test_jsonl_exits_1_when_only_the_first_line_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = call(
        "--jsonl", "-", stdin=b"[]\n" + line(small_case(1)) * 3, monkeypatch=monkeypatch
    )
    assert code == 1
    assert len(out.splitlines()) == 4


def test_jsonl_of_nothing_but_blank_lines_prints_nothing_and_exits_0(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert call("--jsonl", "-", stdin=b"\n \n\t\r\n", monkeypatch=monkeypatch) == (0, b"", b"")


@pytest.mark.parametrize("which", ["missing", "directory"])
def test_jsonl_unreadable_file_exits_2_at_dollar(which: str, tmp_path: Path) -> None:
    path = tmp_path / "nope.jsonl" if which == "missing" else tmp_path
    done = run("--jsonl", path, "--workers", "2")
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode().startswith("$: ")


def test_jsonl_with_workers_gives_byte_identical_output(tmp_path: Path) -> None:
    lines = []
    for i in range(450):
        if i % 37 == 5:
            lines.append(b"  \r\n")
        elif i % 41 == 7:
            lines.append(b'{"as_of": "2026-02-30"}\n')
        elif i % 53 == 11:
            lines.append(b"\xff\n")
        else:
            lines.append(line(small_case(i)))
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(lines))
    one = run("--jsonl", path, "--workers", "1")
    two = run("--jsonl", path, "--workers", "2")
    three = run("--jsonl", path, "--workers", "3")
    assert one.returncode == two.returncode == three.returncode == 1
    assert one.stdout == two.stdout == three.stdout
    blank = sum(1 for x in lines if not x.strip(b" \t\r\n"))
    out = one.stdout.splitlines()
    assert len(out) == len(lines) - blank
    # Spot-check the order: line i of the output is the i-th non-blank input line.
    non_blank = [x for x in lines if x.strip(b" \t\r\n")]
    for index in (0, 99, 100, 101, 250, len(non_blank) - 1):
        got = json.loads(out[index])
        source = non_blank[index]
        if "error" not in got:
            assert got == json.loads(json.dumps(adjudicate(json.loads(source))))


def test_jsonl_output_matches_the_single_case_output() -> None:
    raw = small_case(11)
    single = run("-", stdin=json.dumps(raw).encode())
    batch = run("--jsonl", "-", stdin=line(raw))
    assert json.loads(single.stdout) == json.loads(batch.stdout)


@pytest.mark.parametrize(
    "where",
    [
        lambda t: t.replace('"id": "s1"', '"id": "s1", "id": "s1"', 1),
        lambda t: t.replace('"kind": "hsa"', '"kind": "hsa", "kind": "hsa"', 1),
        lambda t: t.replace('"code": "ACSM-CEP"', '"code": "ACSM-CEP", "code": "X"', 1),
    ],
    ids=["session", "source", "credential"],
)
def test_duplicate_keys_anywhere_make_the_case_invalid(
    where: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = where(json.dumps(EXAMPLE))
    assert text != json.dumps(EXAMPLE)
    path = tmp_path / "case.json"
    path.write_text(text)
    code, out, err = call(path, monkeypatch=monkeypatch)
    assert (code, out) == (2, b"")
    assert err.decode().strip()


def test_colons_inside_strings_do_not_make_a_case_invalid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = copy.deepcopy(EXAMPLE)
    raw["lmns"][0]["plan"] = "Plan: 2x/week: 60 min"
    raw["client"]["name"] = "Dana: Reyes"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(raw))
    code, out, _ = call(path, monkeypatch=monkeypatch)
    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(adjudicate(raw)))


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_json_number_literals_are_not_json(
    literal: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        json.dumps(EXAMPLE).encode().replace(b'"session_limit": 30', b'"session_limit": ' + literal)
    )
    path = tmp_path / "case.json"
    path.write_bytes(text)
    code, out, err = call(path, monkeypatch=monkeypatch)
    assert (code, out) == (2, b"")
    assert err.decode().startswith("$: ")


def test_jsonl_line_with_a_duplicate_key_is_a_bad_line(monkeypatch: pytest.MonkeyPatch) -> None:
    good = json.dumps(small_case(1))
    dup = good.replace('"as_of": "2026-06-30"', '"as_of": "2026-06-30", "as_of": "2026-06-29"', 1)
    code, out, _ = call("--jsonl", "-", stdin=f"{dup}\n{good}\n".encode(), monkeypatch=monkeypatch)
    assert code == 1
    first, second = out.splitlines()
    assert list(json.loads(first)) == ["error"]
    assert "error" not in json.loads(second)


def test_a_huge_count_is_not_reported_as_a_non_integer_next_to_other_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = copy.deepcopy(EXAMPLE)
    raw["sources"][0]["session_limit"] = 2**70
    raw["sessions"][0]["paid"] = "85.01"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(raw))
    code, out, err = call(path, monkeypatch=monkeypatch)
    assert (code, out) == (2, b"")
    assert err.decode().splitlines() == [expected_error(raw)]
    assert err.decode().startswith("sessions[0].paid: ")
