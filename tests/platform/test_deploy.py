"""Production settings pass Django's deployment checklist, and `fitclaim serve`
tells a new user where to go and how to sign in."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from fitclaim.accounts.models import Organization, Role
from fitclaim.web.demo_accounts import ADMIN_EMAIL, DEMO_PASSWORD

FITCLAIM = Path(sys.executable).with_name("fitclaim")


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FITCLAIM_", "DJANGO_", "SECURE_", "SESSION_")) and key != "DEBUG"
    }
    return env | {
        "FITCLAIM_ENV": "production",
        "FITCLAIM_DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FITCLAIM_FILE_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "fitclaim.example.com",
    }


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(FITCLAIM), "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [str(FITCLAIM), "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_serve_prints_the_address_and_the_loaded_demo_sign_ins(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fitclaim.accounts.services import membership_create, user_create
    from fitclaim.web.management.commands import serve

    organization = Organization.objects.create(name="Riverbend")
    user = user_create(email=ADMIN_EMAIL, password=DEMO_PASSWORD)
    membership_create(actor=None, organization=organization, user=user, role=Role.ADMIN)
    started: list[tuple[Any, ...]] = []
    # Stand in for the blocking development server; what it is asked to do is the point.
    monkeypatch.setattr(serve, "call_command", lambda *a, **kw: started.append((a, kw)))

    call_command("serve", "--port", "8123")

    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123" in out
    assert ADMIN_EMAIL in out
    assert DEMO_PASSWORD in out
    assert "billing@riverbend.example" not in out  # not loaded, so not offered
    assert started == [
        (("runserver", "127.0.0.1:8123"), {"use_reloader": False, "skip_checks": False})
    ]


def test_serve_without_demo_data_says_how_to_load_it(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fitclaim.web.management.commands import serve

    monkeypatch.setattr(serve, "call_command", lambda *a, **kw: None)
    call_command("serve")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000" in out
    assert "fitclaim demo" in out


@pytest.mark.parametrize(("setting", "threshold"), [(None, 5), ("3", 3), ("0", None)])
def test_prepared_statements_follow_database_prepare_threshold(
    tmp_path: Path, setting: str | None, threshold: int | None
) -> None:
    env = production_env(tmp_path) | {"DATABASE_URL": "postgres://fitclaim@db.example:5432/fc"}
    env.pop("DATABASE_PREPARE_THRESHOLD", None)
    if setting is not None:
        env["DATABASE_PREPARE_THRESHOLD"] = setting
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from fitclaim import settings; "
            "print(settings.DATABASES['default']['OPTIONS']['prepare_threshold'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(threshold)
