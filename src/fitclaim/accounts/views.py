"""Signing in and out, passwords, and the settings page.

Sign-in, sign-out and passwords are Django's own views with our templates and an
audit line; the settings page's forms each post to a thin view that calls one
service and shows the page again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from fitclaim.accounts import selectors, services
from fitclaim.accounts.actor import Actor, actor_from_request, client_ip
from fitclaim.accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    MemberInviteForm,
    MemberRoleForm,
    OrganizationForm,
    ProfileForm,
)
from fitclaim.accounts.models import ApiToken

# --- signing in and out, passwords -------------------------------------------


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60
        }


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires, so a link cannot sign anyone out)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("settings")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_change_record(user=form.user, ip=client_ip(self.request), reset=False)
        messages.success(self.request, "Your password has been changed.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_change_record(user=form.user, ip=client_ip(self.request), reset=True)
        return response


# --- the settings page --------------------------------------------------------


def _show_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's field errors on the form's fields, the rest on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _settings_page(
    request: HttpRequest,
    actor: Actor,
    *,
    new_token: tuple[ApiToken, str] | None = None,
    **forms_given: Any,
) -> HttpResponse:
    user = actor.user
    context: dict[str, Any] = {
        "profile_form": forms_given.get("profile_form")
        or ProfileForm(
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
            },
            prefix="profile",
        ),
        "token_form": forms_given.get("token_form") or ApiTokenForm(prefix="token"),
        "tokens": selectors.api_tokens_for_user(user=user),
        "new_token": new_token,
        "is_admin": actor.membership.is_admin,
    }
    if actor.membership.is_admin:
        context |= {
            "organization_form": forms_given.get("organization_form")
            or OrganizationForm(instance=actor.organization, prefix="org"),
            "invite_form": forms_given.get("invite_form") or MemberInviteForm(prefix="invite"),
            "staff": [
                (member, MemberRoleForm(initial={"role": member.role}, prefix=f"m{member.pk}"))
                for member in selectors.staff_members(actor=actor)
            ],
            "portal_users": selectors.portal_members(actor=actor),
            "member_error": forms_given.get("member_error"),
        }
    return render(request, "accounts/settings.html", context)


@never_cache
@login_required
@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    return _settings_page(request, actor_from_request(request))


@never_cache
@login_required
@require_POST
def settings_profile(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    form = ProfileForm(request.POST, prefix="profile")
    if form.is_valid():
        try:
            services.user_profile_update(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, "Your profile has been saved.")
            return redirect("settings")
    return _settings_page(request, actor, profile_form=form)


@never_cache
@login_required
@require_POST
def settings_token_create(request: HttpRequest) -> HttpResponse:
    """Create a token and show it in this response only: it is not stored, so a
    reload or a later visit cannot show it again."""
    actor = actor_from_request(request)
    form = ApiTokenForm(request.POST, prefix="token")
    if form.is_valid():
        try:
            new_token = services.api_token_create(actor=actor, name=form.cleaned_data["name"])
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            return _settings_page(request, actor, new_token=new_token)
    return _settings_page(request, actor, token_form=form)


@never_cache
@login_required
@require_POST
def settings_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    token = selectors.access_api_token(actor=actor, token_id=token_id)
    services.api_token_revoke(actor=actor, token=token)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("settings")


@never_cache
@login_required
@require_POST
def settings_organization(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not actor.membership.is_admin:
        raise Http404("not an organization admin")
    form = OrganizationForm(request.POST, instance=actor.organization, prefix="org")
    if form.is_valid():
        try:
            services.organization_update(
                actor=actor,
                **{name: form.cleaned_data[name] for name in OrganizationForm.Meta.fields},
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, "The organization's details have been saved.")
            return redirect("settings")
    # A ModelForm writes its input onto the instance while validating; reload the
    # organization so the header keeps showing what is actually stored.
    actor.organization.refresh_from_db()
    return _settings_page(request, actor, organization_form=form)


@never_cache
@login_required
@require_POST
def settings_member_invite(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not actor.membership.is_admin:
        raise Http404("not an organization admin")
    form = MemberInviteForm(request.POST, prefix="invite")
    if form.is_valid():
        try:
            membership = services.member_invite(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(
                request,
                f"{membership.user.email} is now {membership.get_role_display()}; "
                "an email with a sign-in link is on its way.",
            )
            return redirect("settings")
    return _settings_page(request, actor, invite_form=form)


@never_cache
@login_required
@require_POST
def settings_member_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    membership = selectors.access_membership(actor=actor, membership_id=membership_id)
    form = MemberRoleForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        return _settings_page(request, actor, member_error="Choose admin, billing or trainer.")
    try:
        changed = services.membership_role_change(
            actor=actor, membership=membership, role=form.cleaned_data["role"]
        )
    except ValidationError as exc:
        return _settings_page(request, actor, member_error=_first_message(exc))
    messages.success(request, f"{changed.user.email} is now {changed.get_role_display()}.")
    return redirect("settings")


@never_cache
@login_required
@require_POST
def settings_member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    membership = selectors.access_membership(actor=actor, membership_id=membership_id)
    try:
        services.membership_remove(actor=actor, membership=membership)
    except ValidationError as exc:
        return _settings_page(request, actor, member_error=_first_message(exc))
    messages.success(request, f"{membership.user.email} no longer belongs to {actor.organization}.")
    return redirect("settings")


def _first_message(exc: ValidationError) -> str:
    return exc.messages[0] if exc.messages else "That change was not made."
