"""The home page for each kind of person, and the layout every page shares."""

from __future__ import annotations

import re

from django import forms
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from fitclaim.accounts.models import Organization, Role
from fitclaim.accounts.services import membership_create, user_create
from fitclaim.clients.models import Client as ClientRecord
from fitclaim.web import demo_logins
from fitclaim.web.demo_accounts import DEMO_PASSWORD
from tests.platform.conftest import Persona


def test_dashboard_names_the_organization_and_links_the_sections(trainer: Persona) -> None:
    html = trainer.client().get(reverse("home")).content.decode()
    assert "<h1>Riverbend Clinical Fitness</h1>" in html
    for href in ("/clients/", "/trainers/", "/providers/", "/facilities/", "/settings/"):
        assert f'href="{href}"' in html


def test_client_portal_user_lands_on_their_own_record(riverbend: Organization) -> None:
    dana = ClientRecord.objects.create(organization=riverbend, first_name="Dana", last_name="Reyes")
    user = user_create(email="dana@example.test", password="Portal-pass-1234")
    membership_create(actor=None, organization=riverbend, user=user, role=Role.CLIENT, client=dana)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[dana.pk])


def test_a_person_without_an_organization_is_told_so(db: None) -> None:
    loner = user_create(email="loner@example.test", password="Whatever-pass-123")
    client = Client()
    client.force_login(loner)
    assert "No organization yet" in client.get(reverse("home")).content.decode()


def test_navigation_shows_audit_to_admins_only(admin: Persona, trainer: Persona) -> None:
    assert 'href="/audit/"' in admin.client().get(reverse("settings")).content.decode()
    assert 'href="/audit/"' not in trainer.client().get(reverse("settings")).content.decode()


def test_layout_is_accessible_and_self_hosted(trainer: Persona) -> None:
    html = trainer.client().get(reverse("settings")).content.decode()
    assert '<html lang="en">' in html
    assert 'name="viewport"' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="main-nav" aria-label="Main">' in html
    assert '<a href="/settings/" aria-current="page">Settings</a>' in html
    assert "Riverbend Clinical Fitness" in html
    # Sign-out is a POST form, never a link.
    assert re.search(r'<form method="post" action="/logout/">', html)
    # Every script and stylesheet comes from this server.
    for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url
    assert "htmx" in html


class SampleForm(forms.Form):
    birth_date = forms.DateField(help_text="As on the insurance card.")
    agree = forms.BooleanField(label="I agree")


def test_form_include_ties_labels_help_and_errors_to_each_field(db: None) -> None:
    form = SampleForm(data={"birth_date": "not a date"})
    html = Template('{% include "_form.html" with form=form %}').render(Context({"form": form}))
    assert '<label for="id_birth_date">Birth date</label>' in html
    assert 'id="id_birth_date_helptext"' in html
    assert 'id="id_birth_date_error"' in html
    assert 'aria-describedby="id_birth_date_helptext id_birth_date_error"' in html
    assert 'aria-invalid="true"' in html
    assert "Enter a valid date." in html
    assert 'id="id_agree_error"' in html


def test_demo_logins_cover_every_role_with_the_shared_password() -> None:
    logins = demo_logins()
    emails = [email for _, email, _ in logins]
    assert "admin@riverbend.example" in emails
    assert "dana.reyes@example.com" in emails
    assert "admin@northside.example" in emails
    assert len(logins) == 6
    assert {password for _, _, password in logins} == {DEMO_PASSWORD}


def test_stylesheet_and_htmx_are_served_by_the_app(db: None) -> None:
    client = Client()
    for path in ("/static/fitclaim/app.css", "/static/django_htmx/htmx-2.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
