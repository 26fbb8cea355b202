"""Signing in and out: by email, audited, throttled, and timed out when idle."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fitclaim.audit.models import AuditAction, AuditEvent
from tests.platform.conftest import PASSWORD, Persona


def sign_in(client: Client, email: str, password: str) -> object:
    return client.post(reverse("login"), {"username": email, "password": password})


def test_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_page_asks_for_an_email(db: None) -> None:
    response = Client().get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">Email</label>' in html
    assert 'type="email"' in html


def test_staff_member_signs_in_with_email_and_lands_on_the_dashboard(trainer: Persona) -> None:
    client = Client()
    response = sign_in(client, trainer.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(reverse("home"))
    assert trainer.organization.name in page.content.decode()


def test_sign_in_is_audited_under_the_persons_organization(trainer: Persona) -> None:
    sign_in(Client(), trainer.email, PASSWORD)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor == trainer.user
    assert event.organization == trainer.organization
    assert event.ip == "127.0.0.1"


def test_wrong_password_is_refused_with_a_clear_message_and_audited(trainer: Persona) -> None:
    response = sign_in(Client(), trainer.email, "not-the-password")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    # Not done *by* the account's owner: no actor, but the attempted address.
    assert event.actor is None
    assert event.actor_label == trainer.email
    assert event.organization == trainer.organization
    assert event.entity_id == str(trainer.user.pk)


def test_unknown_email_is_refused_the_same_way(db: None) -> None:
    response = sign_in(Client(), "nobody@example.test", "whatever-password")
    assert "do not match an account" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.organization is None
    assert event.actor_label == "nobody@example.test"


def test_sign_out_is_post_only_and_audited(trainer: Persona) -> None:
    client = trainer.client()
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.actor == trainer.user


def test_five_failures_pause_sign_in_even_with_the_right_password(trainer: Persona) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, trainer.email, "wrong-password").status_code == 200
    locked = sign_in(client, trainer.email, "wrong-password")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()

    again = sign_in(client, trainer.email, PASSWORD)
    html = again.content.decode()
    assert again.status_code == 429
    assert "Sign-in paused" in html
    assert "15 minutes" in html
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, summary__contains="locked out"
    ).exists()


def test_lockout_of_one_person_does_not_lock_another(trainer: Persona, billing: Persona) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, trainer.email, "wrong-password")
    assert sign_in(client, billing.email, PASSWORD).status_code == 302


def _session_of(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_each_request_pushes_the_idle_deadline_forward(trainer: Persona) -> None:
    client = Client()
    sign_in(client, trainer.email, PASSWORD)
    expected = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(_session_of(client).expire_date - expected) < dt.timedelta(seconds=30)

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=60)
    )
    assert client.get(reverse("home")).status_code == 200
    assert _session_of(client).expire_date > timezone.now() + dt.timedelta(
        seconds=settings.SESSION_COOKIE_AGE - 30
    )


def test_an_idle_session_expires_and_asks_to_sign_in_again(trainer: Persona) -> None:
    client = Client()
    sign_in(client, trainer.email, PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    # What SESSION_COOKIE_AGE of silence leaves behind: a stored deadline in the past.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
