"""What the session and payment commands share: who is acting, and progress.

Commands that read or change records act as a named user (`--user EMAIL` or
FITCLAIM_USER), with that user's organization and role, and refuse without one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.command_line import add_user_argument, options_actor
from fitclaim.accounts.command_line import date_argument as parse_date

__all__ = ["add_user_argument", "cli_actor", "parse_date", "progress_reporter"]


def cli_actor(options: dict[str, Any]) -> Actor:
    return options_actor(options)


@contextmanager
def progress_reporter(stream: TextIO, label: str) -> Iterator[Any]:
    """A callback (phase, done, total) that draws a progress bar on a terminal,
    and prints plain lines ("write 2000/10000") anywhere else, so a log or a
    supervising process sees how far the work has got."""
    if stream.isatty():
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        tasks: dict[str, Any] = {}
        words = {"check": "Checking rows", "write": "Writing"}
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
        ) as bar:

            def update(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(f"{label}: {words.get(phase, phase)}", total=total)
                bar.update(tasks[phase], completed=done, total=total)

            yield update
    else:

        def plain(phase: str, done: int, total: int) -> None:
            stream.write(f"{phase} {done}/{total}\n")
            stream.flush()

        yield plain


def stdout_is(stream: Any) -> TextIO:
    """The real stream behind Django's OutputWrapper."""
    return getattr(stream, "_out", sys.stdout)
