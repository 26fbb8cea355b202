from django.contrib import admin
from django.urls import include, path

from fitclaim.api.v1 import api

urlpatterns = [
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
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
