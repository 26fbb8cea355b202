"""Writes for accounts: people, their memberships, API tokens and the organization.

Each function takes keyword-only arguments, checks that the actor may act (a
refusal answers 404, like a record the actor may not see), writes in one
transaction and appends the change to the audit trail. Bad input raises a
`ValidationError` keyed by the field, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fitclaim.accounts.models import ApiToken, Membership, Organization, Role, User, hash_token
from fitclaim.accounts.selectors import ApiCaller, api_caller, membership_for_user
from fitclaim.accounts.validators import normalize_ein
from fitclaim.audit.models import AuditAction
from fitclaim.audit.services import audit_record, changed_fields, model_snapshot

if TYPE_CHECKING:
    from fitclaim.accounts.actor import Actor
    from fitclaim.clients.models import Client

STAFF_ROLES = (Role.ADMIN, Role.BILLING, Role.TRAINER)

# Writing last_used_at on every call would turn every API read into a write; a
# minute's precision is enough to tell a live integration from a forgotten one.
TOKEN_LAST_USED_PRECISION = dt.timedelta(minutes=1)


def _require_admin(actor: Actor) -> None:
    if not actor.membership.is_admin:
        raise Http404("not an organization admin")


# --- people -------------------------------------------------------------------


def _clean_email(email: str) -> str:
    email = User.objects.normalize_email((email or "").strip())
    if not email:
        raise ValidationError({"email": "Enter an email address."})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter a valid email address."}) from exc
    return email


def user_create(
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    actor: Actor | None = None,
) -> User:
    """Create a person who signs in with `email`.

    Without a password the account cannot sign in until its owner sets one from
    an invitation or password-reset link. The password is stored as given (the
    forms check its strength), so demo data and tests can choose theirs.
    """
    email = _clean_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this email address already exists."})
    # The username is Django's internal key; keeping it equal to the email means
    # the login throttle and the admin show the address people actually type.
    user = User(
        username=email.lower(),
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two sign-ups with one address at the same moment: the database decides.
        raise ValidationError({"email": "A user with this email address already exists."}) from exc
    if actor is not None:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity="user",
            entity_id=user.pk,
            summary=f"Created user {user.email}",
            changes={
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
            },
        )
    return user


def user_profile_update(*, actor: Actor, first_name: str, last_name: str, email: str) -> User:
    """Change one's own name and sign-in email."""
    email = _clean_email(email)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.user.pk)
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise ValidationError({"email": "Another user already signs in with this address."})
        before = model_snapshot(user)
        user.first_name = first_name.strip()
        user.last_name = last_name.strip()
        user.email = email
        user.save(update_fields=["first_name", "last_name", "email"])
        changes = changed_fields(before, model_snapshot(user))
        if changes:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                entity="user",
                entity_id=user.pk,
                summary="Updated own profile",
                changes=changes,
            )
    return user


def password_change_record(*, user: User, ip: str | None, reset: bool) -> None:
    """Put a password change (signed in) or reset (by emailed link) in the trail.

    Django's own views change the password; this only records that they did."""
    membership = membership_for_user(user)
    audit_record(
        actor=None,
        user=user,
        organization=membership.organization if membership else None,
        action=AuditAction.UPDATE,
        entity="user",
        entity_id=user.pk,
        summary="Reset password by emailed link" if reset else "Changed password",
        ip=ip,
        via="web",
    )


# --- memberships --------------------------------------------------------------


def membership_create(
    *,
    actor: Actor | None,
    user: User,
    role: str,
    organization: Organization | None = None,
    client: Client | None = None,
) -> Membership:
    """Give `user` a role in the actor's organization.

    Admins add staff (admin, billing, trainer). A client-portal membership is tied
    to one client of the same organization; admins and billing may create it.
    Without an actor (demo data, the command line's set-up) pass `organization`.
    """
    if actor is not None:
        if organization is not None and organization.pk != actor.organization.pk:
            raise Http404("another organization")
        organization = actor.organization
        may_add = actor.membership.is_admin or (
            role == Role.CLIENT and actor.membership.sees_all_clients
        )
        if not may_add:
            raise Http404("not allowed to add members")
    if organization is None:
        raise ValueError("membership_create needs an actor or an organization")
    if role not in Role.values:
        raise ValidationError({"role": f"{role!r} is not a role."})
    if role == Role.CLIENT:
        if client is None or client.organization_id != organization.pk:
            raise ValidationError(
                {"client": "A client-portal user is linked to a client of this organization."}
            )
    elif client is not None:
        raise ValidationError({"client": "Only a client-portal user is linked to a client."})
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError({"email": f"{user.email} is already a member of {organization}."})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organization=organization, role=role, client=client
            )
            audit_record(
                actor=actor,
                organization=organization,
                action=AuditAction.CREATE,
                entity="membership",
                entity_id=membership.pk,
                client_id=client.pk if client is not None else None,
                summary=f"Added {user.email} as {membership.get_role_display()}",
                changes={"user": user.email, "role": role},
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"email": f"{user.email} is already a member of {organization}."}
        ) from exc
    return membership


def member_invite(
    *, actor: Actor, email: str, role: str, first_name: str = "", last_name: str = ""
) -> Membership:
    """Add a staff member by email and tell them by email.

    A new person gets a link to choose a password (valid as long as a password
    reset link is); someone who already has an account, in this or another
    organization, signs in with the password they have.
    """
    _require_admin(actor)
    if role not in STAFF_ROLES:
        raise ValidationError(
            {
                "role": "Choose admin, billing or trainer. Client-portal access is given "
                "from the client's record."
            }
        )
    email = _clean_email(email)
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        is_new = user is None
        if user is None:
            user = user_create(email=email, first_name=first_name, last_name=last_name, actor=actor)
        membership = membership_create(actor=actor, user=user, role=role)
    invitation_send(membership=membership, invited_by=actor.user, is_new=is_new)
    return membership


def invitation_send(*, membership: Membership, invited_by: User, is_new: bool) -> None:
    """Email a new member how to sign in: a set-password link for a new account
    (`is_new`), the sign-in page for someone who already has a password."""
    user = membership.user
    if is_new:
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    else:
        path = reverse("login")
    context = {
        "user": user,
        "organization": membership.organization,
        "role": membership.get_role_display(),
        "invited_by": invited_by,
        "is_new": is_new,
        "url": settings.SITE_URL.rstrip("/") + path,
    }
    send_mail(
        subject=f"You have been added to {membership.organization} on fitclaim",
        message=render_to_string("registration/invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


# The clients app's portal-login service calls this under its first name.


def _lock_admins(organization_id: int) -> list[int]:
    """Lock the organization's admin memberships, always in pk order so two
    concurrent changes queue instead of deadlocking, and return their pks."""
    return list(
        Membership.objects.select_for_update()
        .filter(organization_id=organization_id, role=Role.ADMIN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _keep_an_admin(admin_pks: list[int], *, leaving: Membership, field: str) -> None:
    if leaving.role == Role.ADMIN and not [pk for pk in admin_pks if pk != leaving.pk]:
        raise ValidationError(
            {field: "An organization keeps at least one admin: make someone else admin first."}
        )


def membership_role_change(*, actor: Actor, membership: Membership, role: str) -> Membership:
    """Change a staff member's role. The last admin cannot step down."""
    _require_admin(actor)
    if membership.organization_id != actor.organization.pk:
        raise Http404("another organization")
    if membership.role == Role.CLIENT:
        raise ValidationError(
            {"role": "A client-portal user's access is managed from the client's record."}
        )
    if role not in STAFF_ROLES:
        raise ValidationError({"role": "Choose admin, billing or trainer."})
    with transaction.atomic():
        admin_pks = _lock_admins(actor.organization.pk)
        locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        before = locked.role
        if before == role:
            return locked
        if role != Role.ADMIN:
            _keep_an_admin(admin_pks, leaving=locked, field="role")
        locked.role = role
        locked.save(update_fields=["role"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity="membership",
            entity_id=locked.pk,
            summary=f"Changed {locked.user.email} to {locked.get_role_display()}",
            changes={"role": [before, role]},
        )
    return locked


def membership_remove(*, actor: Actor, membership: Membership) -> None:
    """Take someone out of the organization. Their account stays (they may belong
    to another organization); they no longer see this one's records."""
    _require_admin(actor)
    if membership.organization_id != actor.organization.pk:
        raise Http404("another organization")
    with transaction.atomic():
        admin_pks = _lock_admins(actor.organization.pk)
        locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        _keep_an_admin(admin_pks, leaving=locked, field="membership")
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            entity="membership",
            entity_id=locked.pk,
            client_id=locked.client_id,
            summary=f"Removed {locked.user.email} ({locked.get_role_display()})",
            changes={"user": locked.user.email, "role": locked.role},
        )
        locked.delete()


# --- API tokens ---------------------------------------------------------------


def api_token_create(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; return it with the raw token, which exists
    only in this return value: the database keeps its SHA-256."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(
            {"name": "Name the token after what will use it, such as “EHR sync”."}
        )
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError({"name": "Use at most 100 characters."})
    raw = ApiToken.new_raw_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor.user, name=name, token_hash=hash_token(raw), hint=raw[:8]
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity="api_token",
            entity_id=token.pk,
            summary=f"Created API token “{name}” ({token.hint}…)",
            changes={"name": name, "hint": token.hint},
        )
    return token, raw


def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens. Revoking twice changes nothing."""
    if token.user_id != actor.user.pk:
        raise Http404("not your token")
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token.refresh_from_db()
        if revoked:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                entity="api_token",
                entity_id=token.pk,
                summary=f"Revoked API token “{token.name}” ({token.hint}…)",
                changes={"revoked_at": [None, token.revoked_at]},
            )
    return token


def api_token_use(*, raw: str) -> ApiCaller | None:
    """The caller behind a live token (owner and membership), noting when the
    token was used; None for an unknown, revoked or malformed token or a
    deactivated user."""
    caller = api_caller(raw)
    if caller is None:
        return None
    token = caller.token
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return caller


# --- the organization ---------------------------------------------------------


def organization_update(
    *,
    actor: Actor,
    name: str,
    address: str = "",
    tax_id: str = "",
    group_npi: str = "",
    phone: str = "",
) -> Organization:
    """Change the organization's billing identity: the name, address, EIN and group
    NPI that go on receipts, superbills and 837P claims."""
    _require_admin(actor)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=actor.organization.pk)
        before = model_snapshot(organization)
        organization.name = (name or "").strip()
        organization.address = (address or "").strip()
        organization.tax_id = normalize_ein(tax_id or "")
        organization.group_npi = (group_npi or "").strip()
        organization.phone = (phone or "").strip()
        organization.full_clean()
        organization.save()
        changes = changed_fields(before, model_snapshot(organization))
        if changes:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                entity="organization",
                entity_id=organization.pk,
                summary="Updated organization settings",
                changes=changes,
            )
    return organization
