"""`fitclaim serve`: run fitclaim on this machine, with the demo sign-ins printed.

This is Django's development server (static files served by whitenoise), meant
for one person trying fitclaim. Production runs gunicorn: see docs/deploy.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db.utils import DatabaseError

from fitclaim.web import demo_logins


class Command(BaseCommand):
    help = "Run fitclaim at http://127.0.0.1:8000 and print the demo sign-ins."

    # runserver checks itself; checking twice only slows the start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--reload", action="store_true", help="restart when the code changes (development)"
        )

    def handle(self, *args: Any, host: str, port: int, reload: bool, **options: Any) -> None:
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(self.style.SUCCESS(f"fitclaim is at http://{shown_host}:{port}"))
        if settings.PRODUCTION:
            self.stdout.write(
                self.style.WARNING(
                    "FITCLAIM_ENV=production: this development server is not for production; "
                    "run gunicorn (docs/deploy.md)."
                )
            )
        self._print_demo_logins()
        self.stdout.write("Press Ctrl-C to stop.\n")
        call_command(
            "runserver",
            f"{shown_host}:{port}",
            use_reloader=reload,
            skip_checks=False,
        )

    def _print_demo_logins(self) -> None:
        from fitclaim.accounts.models import User

        logins = demo_logins()
        try:
            loaded = set(
                User.objects.filter(email__in=[email for _, email, _ in logins]).values_list(
                    "email", flat=True
                )
            )
        except DatabaseError:
            loaded = set()
        if not loaded:
            self.stdout.write(
                "No demo data yet: run `fitclaim migrate` and `fitclaim demo` to load it."
            )
            return
        self.stdout.write("Demo sign-ins:")
        role_width = max(len(role) for role, _, _ in logins)
        email_width = max(len(email) for _, email, _ in logins)
        for role, email, password in logins:
            if email in loaded:
                self.stdout.write(f"  {role:<{role_width}}  {email:<{email_width}}  {password}")
