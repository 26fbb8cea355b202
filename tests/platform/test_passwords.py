"""Changing a password when signed in, and resetting a forgotten one by email."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from fitclaim.audit.models import AuditEvent
from tests.platform.conftest import PASSWORD, Persona

NEW_PASSWORD = "Bright-lantern-harbor-42"


def test_password_change_keeps_you_signed_in_and_is_audited(trainer: Persona) -> None:
    client = trainer.client()
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("settings")
    assert client.get(reverse("settings")).status_code == 200
    trainer.user.refresh_from_db()
    assert trainer.user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(summary="Changed password")
    assert event.actor == trainer.user
    assert event.organization == trainer.organization


def test_password_change_names_the_field_in_error(trainer: Persona) -> None:
    response = trainer.client().post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "short", "new_password2": "short"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in html
    assert 'aria-invalid="true"' in html
    assert "Your old password was entered incorrectly" in html


def test_forgotten_password_is_reset_from_the_emailed_link(trainer: Persona) -> None:
    client = Client()
    response = client.post(reverse("password_reset"), {"email": trainer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [trainer.email]
    assert message.subject == "Reset your fitclaim password"
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", message.body)
    assert link is not None

    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")

    signed_in = client.post(reverse("login"), {"username": trainer.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert AuditEvent.objects.filter(summary="Reset password by emailed link").exists()


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(db: None) -> None:
    response = Client().post(
        reverse("password_reset"), {"email": "nobody@example.test"}, follow=True
    )
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_a_used_reset_link_no_longer_works(trainer: Persona) -> None:
    client = Client()
    client.post(reverse("password_reset"), {"email": trainer.email})
    path = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    again = Client().get(path, follow=True)
    assert "This link no longer works" in again.content.decode()
