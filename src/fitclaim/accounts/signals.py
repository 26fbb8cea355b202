"""Sign-ins, sign-outs and failed sign-ins go to the audit trail.

Django sends these signals from its own login and logout, so every way of
signing in (the login page, the admin, a test client) is recorded the same way.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpRequest

from fitclaim.accounts.actor import client_ip
from fitclaim.accounts.models import User
from fitclaim.accounts.selectors import membership_for_user
from fitclaim.audit.models import AuditAction
from fitclaim.audit.services import audit_record


def _record(
    *,
    action: AuditAction,
    user: User | None,
    request: HttpRequest | None,
    summary: str,
    label: str = "",
) -> None:
    """Record an event about `user`'s account. A failed attempt is not done *by*
    that user, so it carries what was typed as its label and no actor."""
    membership = membership_for_user(user) if user is not None else None
    audit_record(
        actor=None,
        user=None if action == AuditAction.LOGIN_FAILED else user,
        # Recorded under the person's organization so its admins see who signed
        # in, and who tried to sign in as one of their people.
        organization=membership.organization if membership else None,
        action=action,
        entity="user",
        entity_id=user.pk if user is not None else "",
        summary=summary,
        actor_label=label,
        ip=client_ip(request) if request is not None else None,
        via="web",
    )


@receiver(user_logged_in, dispatch_uid="fitclaim_audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    _record(action=AuditAction.LOGIN, user=user, request=request, summary="Signed in")


@receiver(user_logged_out, dispatch_uid="fitclaim_audit_logout")
def audit_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is None:  # the session had already expired: nobody to record
        return
    _record(action=AuditAction.LOGOUT, user=user, request=request, summary="Signed out")


@receiver(user_login_failed, dispatch_uid="fitclaim_audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    typed = str(credentials.get("username") or credentials.get("email") or "")[:254]
    user = (
        User.objects.filter(Q(username=typed) | Q(email__iexact=typed)).first() if typed else None
    )
    # Axes' own receiver runs first (its app loads first) and flags the request
    # when this failure is the one that locks the account.
    locked = bool(request is not None and getattr(request, "axes_locked_out", False))
    _record(
        action=AuditAction.LOGIN_FAILED,
        user=user,
        request=request,
        label=typed,
        summary="Sign-in refused: locked out after repeated failures"
        if locked
        else "Sign-in failed: wrong email or password",
    )
