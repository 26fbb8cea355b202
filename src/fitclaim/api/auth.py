"""Who is calling the API, and as which member of which organization.

Two ways in, tried in this order:

1. `Authorization: Bearer fc_...`: a personal API token, looked up by its
   SHA-256; revoked tokens and deactivated users are refused. No CSRF check:
   a token is not sent by the browser on its own.
2. The signed-in browser session (the pages' own cookie), with Django's CSRF
   check on unsafe methods, so the pages can call the API with htmx.

Every operation gets its `Actor` from `request_actor(request)`; a caller who
belongs to no organization gets a 404, like any record they may not see.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from fitclaim.accounts.actor import Actor, client_ip
from fitclaim.accounts.models import User
from fitclaim.accounts.selectors import membership_for_user
from fitclaim.accounts.services import api_token_use


class TokenAuth(HttpBearer):
    """A personal API token in the Authorization header."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        caller = api_token_use(raw=token.strip())
        if caller is None:
            # A wrong token is an error of its own, not a reason to fall back on
            # a session cookie that happens to ride along.
            raise AuthenticationError(message="Invalid or revoked API token")
        user = caller.user
        # The rest of Django (and request_actor) sees the token's owner as the user.
        request.user = user
        request.membership = caller.membership  # type: ignore[attr-defined]
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session, CSRF-checked on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


token_auth = TokenAuth()
session_auth = BrowserSessionAuth(csrf=True)
AUTH = [token_auth, session_auth]


def request_actor(request: HttpRequest) -> Actor:
    """The Actor of an authenticated API request; 404 without a membership."""
    cached = getattr(request, "_fitclaim_actor", None)
    if cached is not None:
        return cached
    user = getattr(request, "auth", None) or request.user
    if user is None or not user.is_authenticated:
        raise AuthenticationError()
    membership = getattr(request, "membership", None)
    if membership is None or membership.user_id != user.pk:
        membership = membership_for_user(user)
    if membership is None:
        raise Http404("no organization")
    actor = Actor(user=user, membership=membership, ip=client_ip(request), via="api")
    request._fitclaim_actor = actor  # type: ignore[attr-defined]
    return actor
