"""The worked example of shared/ENGINE.md, through the function and the CLI.

Results are compared as data: both sides go through
`json.dumps(obj, sort_keys=True)`, so key order and whitespace do not matter
but every value, list order and type does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fitclaim.domain.engine import adjudicate

CASES = Path(__file__).with_name("cases")
CASE_FILE = CASES / "engine_md_example.case.json"
RESULT_FILE = CASES / "engine_md_example.result.json"
FITCLAIM = Path(sys.executable).with_name("fitclaim")
ENGINE_MD = Path("/work/shared/ENGINE.md")


def normalized(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True)


def expected() -> Any:
    return json.loads(RESULT_FILE.read_text())


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(FITCLAIM), "adjudicate", *args], input=stdin, capture_output=True, timeout=60
    )


def test_engine_md_example_through_adjudicate_matches_the_golden_result() -> None:
    result = adjudicate(json.loads(CASE_FILE.read_text()))
    assert normalized(result) == normalized(expected())


def test_engine_md_example_result_is_plain_json_data() -> None:
    # Reason enums and the like must serialize to exactly what the golden file holds.
    result = adjudicate(json.loads(CASE_FILE.read_text()))
    assert json.loads(json.dumps(result)) == expected()


def test_engine_md_example_through_the_cli_matches_the_golden_result() -> None:
    done = run_cli(str(CASE_FILE))
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert done.stdout.endswith(b"\n")
    assert normalized(json.loads(done.stdout)) == normalized(expected())


def test_engine_md_example_through_the_cli_from_stdin_matches_the_golden_result() -> None:
    done = run_cli("-", stdin=CASE_FILE.read_bytes())
    assert done.returncode == 0, done.stderr
    assert normalized(json.loads(done.stdout)) == normalized(expected())


def test_engine_md_example_as_a_jsonl_line_matches_the_golden_result() -> None:
    line = json.dumps(json.loads(CASE_FILE.read_text())).encode() + b"\n"
    done = run_cli("--jsonl", "-", stdin=line * 2)
    assert done.returncode == 0, done.stderr
    out = done.stdout.split(b"\n")
    assert out[-1] == b""
    assert [normalized(json.loads(x)) for x in out[:-1]] == [normalized(expected())] * 2


def _json_blocks(markdown: str) -> list[Any]:
    return [json.loads(b) for b in re.findall(r"```json\n(.*?)```", markdown, re.DOTALL)]


@pytest.mark.skipif(not ENGINE_MD.exists(), reason="shared/ENGINE.md not available")
def test_golden_files_are_the_example_printed_in_engine_md() -> None:
    case_block, result_block = _json_blocks(ENGINE_MD.read_text())
    assert normalized(case_block) == normalized(json.loads(CASE_FILE.read_text()))
    assert normalized(result_block) == normalized(expected())
