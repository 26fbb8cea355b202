"""The settings page: profile, personal API tokens, and for admins the
organization and its users and roles. Every change is audited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from fitclaim.accounts.models import ApiToken, Membership, Role, User, hash_token
from fitclaim.audit.models import AuditEvent
from tests.platform.conftest import Persona

VALID_NPI = "1234567893"  # the CMS example: its check digit matches


def test_settings_needs_a_signed_in_member(db: None) -> None:
    response = Client().get(reverse("settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_profile_change_is_saved_and_audited(trainer: Persona) -> None:
    client = trainer.client()
    response = client.post(
        reverse("settings_profile"),
        {
            "profile-first_name": "Samuel",
            "profile-last_name": "Ortiz",
            "profile-email": trainer.email,
        },
    )
    assert response.status_code == 302
    trainer.user.refresh_from_db()
    assert trainer.user.first_name == "Samuel"
    event = AuditEvent.objects.get(entity="user", action="update")
    assert event.changes == {"first_name": ["Sam", "Samuel"]}


def test_profile_refuses_an_address_someone_else_signs_in_with(
    trainer: Persona, billing: Persona
) -> None:
    response = trainer.client().post(
        reverse("settings_profile"),
        {"profile-first_name": "", "profile-last_name": "", "profile-email": billing.email.upper()},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Another user already signs in with this address." in html
    assert 'id="id_profile-email_error"' in html
    trainer.user.refresh_from_db()
    assert trainer.user.email == "sam@riverbend.test"


def test_new_token_is_shown_once_and_only_its_hash_is_kept(trainer: Persona) -> None:
    client = trainer.client()
    response = client.post(reverse("settings_token_create"), {"token-name": "EHR sync"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r'data-testid="new-token">(fc_[^<]+)<', response.content.decode()).group(1)

    token = ApiToken.objects.get(user=trainer.user)
    assert token.name == "EHR sync"
    assert token.token_hash == hash_token(raw)
    assert raw not in (token.token_hash, token.hint)
    assert raw.startswith(token.hint)

    later = client.get(reverse("settings")).content.decode()
    assert raw not in later
    assert "EHR sync" in later
    assert f"{token.hint}…" in later
    event = AuditEvent.objects.get(entity="api_token")
    assert raw not in str(event.changes) + event.summary


def test_token_needs_a_name(trainer: Persona) -> None:
    response = trainer.client().post(reverse("settings_token_create"), {"token-name": ""})
    assert 'id="id_token-name_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_is_revoked_and_the_revocation_audited(trainer: Persona) -> None:
    client = trainer.client()
    client.post(reverse("settings_token_create"), {"token-name": "script"})
    token = ApiToken.objects.get()
    response = client.post(reverse("settings_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(entity="api_token", action="update").count() == 1


def test_someone_elses_token_cannot_be_revoked(trainer: Persona, admin: Persona) -> None:
    trainer.client().post(reverse("settings_token_create"), {"token-name": "mine"})
    token = ApiToken.objects.get()
    response = admin.client().post(reverse("settings_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_only_admins_see_and_change_the_organization(trainer: Persona, admin: Persona) -> None:
    trainer_page = trainer.client().get(reverse("settings")).content.decode()
    assert "Users and roles" not in trainer_page
    assert 'id="organization"' not in trainer_page
    response = trainer.client().post(reverse("settings_organization"), {"org-name": "Mine now"})
    assert response.status_code == 404
    assert "Users and roles" in admin.client().get(reverse("settings")).content.decode()


def org_form(**overrides: str) -> dict[str, str]:
    data = {
        "org-name": "Riverbend Clinical Fitness",
        "org-address": "12 River Rd\nSpringfield, IL 62701",
        "org-phone": "217-555-0100",
        "org-tax_id": "123456789",
        "org-group_npi": "",
    }
    return data | {f"org-{key}": value for key, value in overrides.items()}


def test_admin_saves_the_billing_identity(admin: Persona) -> None:
    response = admin.client().post(reverse("settings_organization"), org_form(group_npi=VALID_NPI))
    assert response.status_code == 302
    organization = admin.organization
    organization.refresh_from_db()
    assert organization.tax_id == "12-3456789"
    assert organization.group_npi == VALID_NPI
    event = AuditEvent.objects.get(entity="organization")
    assert event.changes["group_npi"] == ["", VALID_NPI]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("group_npi", "1234567890", "check digit"),
        ("group_npi", "12345", "10 digits"),
        ("tax_id", "12-34", "9 digits"),
        ("name", "", "This field is required."),
    ],
)
def test_organization_errors_name_the_field_and_save_nothing(
    admin: Persona, field: str, value: str, message: str
) -> None:
    response = admin.client().post(reverse("settings_organization"), org_form(**{field: value}))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_org-{field}_error"' in html
    assert message in html
    assert not AuditEvent.objects.filter(entity="organization").exists()


def test_admin_invites_a_trainer_who_sets_a_password_by_email(admin: Persona) -> None:
    response = admin.client().post(
        reverse("settings_member_invite"),
        {
            "invite-email": "jo.kim@riverbend.test",
            "invite-first_name": "Jo",
            "invite-role": "trainer",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="jo.kim@riverbend.test")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert membership.organization == admin.organization
    assert membership.role == Role.TRAINER

    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    client = Client()
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Quiet-meadow-river-7", "new_password2": "Quiet-meadow-river-7"},
    )
    assert (
        client.post(
            reverse("login"), {"username": user.email, "password": "Quiet-meadow-river-7"}
        ).status_code
        == 302
    )
    assert AuditEvent.objects.filter(entity="membership", action="create").exists()


def test_a_person_of_another_organization_is_added_without_a_new_account(
    admin: Persona, other_admin: Persona
) -> None:
    admin.client().post(
        reverse("settings_member_invite"),
        {"invite-email": other_admin.email, "invite-role": "billing"},
    )
    assert Membership.objects.filter(user=other_admin.user).count() == 2
    assert "Sign in with your existing password" in mail.outbox[0].body


def test_adding_a_member_twice_is_refused_on_the_email_field(
    admin: Persona, trainer: Persona
) -> None:
    response = admin.client().post(
        reverse("settings_member_invite"), {"invite-email": trainer.email, "invite-role": "billing"}
    )
    html = response.content.decode()
    assert 'id="id_invite-email_error"' in html
    assert "already a member" in html


def test_client_portal_role_is_not_offered_for_invitation(admin: Persona) -> None:
    response = admin.client().post(
        reverse("settings_member_invite"),
        {"invite-email": "x@example.test", "invite-role": "client"},
    )
    assert 'id="id_invite-role_error"' in response.content.decode()
    assert not User.objects.filter(email="x@example.test").exists()


def test_admin_changes_a_role(admin: Persona, trainer: Persona) -> None:
    response = admin.client().post(
        reverse("settings_member_role", args=[trainer.membership.pk]),
        {f"m{trainer.membership.pk}-role": "billing"},
    )
    assert response.status_code == 302
    trainer.membership.refresh_from_db()
    assert trainer.membership.role == Role.BILLING
    event = AuditEvent.objects.get(entity="membership", action="update")
    assert event.changes == {"role": ["trainer", "billing"]}


def test_the_last_admin_cannot_step_down_or_be_removed(admin: Persona) -> None:
    client = admin.client()
    response = client.post(
        reverse("settings_member_role", args=[admin.membership.pk]),
        {f"m{admin.membership.pk}-role": "trainer"},
    )
    assert "keeps at least one admin" in response.content.decode()
    response = client.post(reverse("settings_member_remove", args=[admin.membership.pk]))
    assert "keeps at least one admin" in response.content.decode()
    admin.membership.refresh_from_db()
    assert admin.membership.role == Role.ADMIN


def test_admin_removes_a_member(admin: Persona, trainer: Persona) -> None:
    response = admin.client().post(reverse("settings_member_remove", args=[trainer.membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=trainer.membership.pk).exists()
    assert User.objects.filter(pk=trainer.user.pk).exists()
    assert AuditEvent.objects.filter(entity="membership", action="delete").exists()


def test_members_of_another_organization_answer_404(admin: Persona, other_admin: Persona) -> None:
    client = admin.client()
    role_url = reverse("settings_member_role", args=[other_admin.membership.pk])
    remove_url = reverse("settings_member_remove", args=[other_admin.membership.pk])
    assert (
        client.post(role_url, {f"m{other_admin.membership.pk}-role": "trainer"}).status_code == 404
    )
    assert client.post(remove_url).status_code == 404
    assert Membership.objects.filter(pk=other_admin.membership.pk, role=Role.ADMIN).exists()


def test_non_admins_cannot_manage_members(trainer: Persona, billing: Persona) -> None:
    client = trainer.client()
    assert (
        client.post(
            reverse("settings_member_invite"),
            {"invite-email": "x@example.test", "invite-role": "admin"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("settings_member_role", args=[billing.membership.pk]),
            {f"m{billing.membership.pk}-role": "admin"},
        ).status_code
        == 404
    )


def test_settings_page_lists_other_organizations_members_nowhere(
    admin: Persona, trainer: Persona, other_admin: Persona
) -> None:
    html = admin.client().get(reverse("settings")).content.decode()
    assert trainer.email in html
    assert other_admin.email not in html
