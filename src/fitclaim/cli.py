"""The `fitclaim` command.

`fitclaim adjudicate` is the engine alone: it reads a case and never starts Django,
so it starts fast and needs no database. Every other subcommand is a Django
management command (`fitclaim migrate`, `fitclaim demo`, `fitclaim serve`, ...),
so users never need manage.py.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "adjudicate":
        from fitclaim.domain.cli import adjudicate_main

        return adjudicate_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fitclaim.settings")
    from django.core.management import execute_from_command_line

    if not args:
        args = ["help"]
    execute_from_command_line(["fitclaim", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
