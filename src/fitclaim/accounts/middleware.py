from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fitclaim.accounts.selectors import membership_for_user


class MembershipMiddleware:
    """Attach the signed-in user's membership (organization and role) to the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            request.membership = membership_for_user(  # type: ignore[attr-defined]
                request.user, preferred_org_id=request.session.get("organization_id")
            )
        return self.get_response(request)
