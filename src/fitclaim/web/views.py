"""The home page: sign-in for visitors, the dashboard for staff, and for a
client-portal user their own record."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from fitclaim.accounts.models import Membership, Role


def client_portal_url(membership: Membership) -> str | None:
    """Where a client-portal user's own record lives, if the clients app serves it."""
    if membership.role != Role.CLIENT or membership.client_id is None:
        return None
    try:
        return reverse("clients:detail", args=[membership.client_id])
    except NoReverseMatch:
        return None


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    membership: Membership | None = getattr(request, "membership", None)
    if membership is not None and membership.role == Role.CLIENT:
        portal_url = client_portal_url(membership)
        if portal_url is not None:
            return redirect(portal_url)
    return render(request, "web/home.html", {"membership": membership})
