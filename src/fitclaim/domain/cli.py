"""`fitclaim adjudicate`: the engine on the command line (shared/ENGINE.md, CLI).

    fitclaim adjudicate CASE.json                 one case -> result JSON on stdout
    fitclaim adjudicate --jsonl IN.jsonl          one result line per case line
    fitclaim adjudicate --jsonl IN.jsonl --workers 2

`-` reads standard input. Exit 0 on success; 2 on an invalid case or an
unreadable file (stderr: one `PATH: message` line per problem, nothing on
stdout); with --jsonl, 1 when any line was bad (its output line is
{"error": ...}) and the run went on.
"""

from __future__ import annotations

import argparse
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import IO, Any, BinaryIO

import orjson

from fitclaim.domain.case_checks import InvalidCase, checked_case
from fitclaim.domain.engine import build_case, run

# Lines per unit of work: small enough to keep memory flat, large enough that
# handing batches to worker processes costs little.
BATCH_LINES = 100
BLANK = b" \t\r\n"


def _read_all(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as handle:
        return handle.read()


def adjudicate_bytes(payload: bytes) -> bytes:
    """One case (JSON bytes) -> one result (JSON bytes). Raises InvalidCase."""
    return orjson.dumps(run(build_case(checked_case(payload))))


def adjudicate_lines(lines: list[bytes]) -> tuple[bytes, bool]:
    """A batch of JSONL lines -> their output lines, and whether any line failed.
    Blank lines yield nothing."""
    out: list[bytes] = []
    failed = False
    for line in lines:
        if not line.strip(BLANK):
            continue
        try:
            out.append(adjudicate_bytes(line))
        except InvalidCase as exc:
            failed = True
            out.append(orjson.dumps({"error": str(exc)}))
        out.append(b"\n")
    return b"".join(out), failed


def _batches(stream: BinaryIO) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for line in stream:
        batch.append(line)
        if len(batch) >= BATCH_LINES:
            yield batch
            batch = []
    if batch:
        yield batch


def _run_jsonl(stream: BinaryIO, out: IO[bytes], workers: int) -> bool:
    failed = False
    if workers <= 1:
        for batch in _batches(stream):
            chunk, bad = adjudicate_lines(batch)
            out.write(chunk)
            failed |= bad
        return failed
    # A bounded window of batches in flight keeps memory flat whatever the input
    # size, and results are written in input order.
    window: deque[Future[tuple[bytes, bool]]] = deque()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for batch in _batches(stream):
            window.append(pool.submit(adjudicate_lines, batch))
            if len(window) >= workers * 3:
                chunk, bad = window.popleft().result()
                out.write(chunk)
                failed |= bad
        while window:
            chunk, bad = window.popleft().result()
            out.write(chunk)
            failed |= bad
    return failed


def _problem_lines(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def adjudicate_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="fitclaim adjudicate",
        description="Decide what each funding source pays for each session of a case.",
    )
    parser.add_argument(
        "file", help="the case (JSON), or one case a line with --jsonl; - reads stdin"
    )
    parser.add_argument("--jsonl", action="store_true", help="the file holds one case per line")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes deciding --jsonl cases in parallel"
    )
    args: Any = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    out = sys.stdout.buffer

    if not args.jsonl:
        try:
            payload = _read_all(args.file)
        except OSError as exc:
            sys.stderr.write(f"$: cannot read {args.file}: {exc.strerror}\n")
            return 2
        try:
            result = adjudicate_bytes(payload)
        except InvalidCase as exc:
            sys.stderr.write(_problem_lines(str(exc)))
            return 2
        out.write(result + b"\n")
        out.flush()
        return 0

    try:
        stream: BinaryIO = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")  # noqa: SIM115
    except OSError as exc:
        sys.stderr.write(f"$: cannot read {args.file}: {exc.strerror}\n")
        return 2
    try:
        failed = _run_jsonl(stream, out, args.workers)
    except OSError as exc:
        sys.stderr.write(f"$: cannot read {args.file}: {exc.strerror}\n")
        return 2
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    out.flush()
    return 1 if failed else 0
