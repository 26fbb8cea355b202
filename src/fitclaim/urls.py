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
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
