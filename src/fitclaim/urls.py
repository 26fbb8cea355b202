from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path

from fitclaim.api.v1 import api


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "Not found"}, status=404)


urlpatterns = [
    # First: every API call resolves its path, and the pages' patterns never start with api/.
    path("api/v1/", api.urls),
    # Anything else under /api/ is an API client's mistake: answer in JSON too.
    re_path(r"^api/", api_not_found, name="api_not_found"),
    path("", include("fitclaim.web.urls")),
    path("", include("fitclaim.accounts.urls")),
    path("clients/", include("fitclaim.clients.urls")),
    path("trainers/", include("fitclaim.trainers.urls")),
    path("providers/", include("fitclaim.providers.urls")),
    path("facilities/", include("fitclaim.facilities.urls")),
    path("audit/", include("fitclaim.audit.urls")),
    # Letters, pre-authorizations, sessions and payments live under a client's
    # record; each app's urls name their own paths (clients/<id>/letters/...).
    path("", include("fitclaim.lmns.urls")),
    path("", include("fitclaim.preauths.urls")),
    path("", include("fitclaim.training.urls")),
    path("", include("fitclaim.payments.urls")),
    path("", include("fitclaim.coverage.urls")),
    path("", include("fitclaim.claims.urls")),
    path("admin/", admin.site.urls),
]
