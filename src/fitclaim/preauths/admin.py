"""Django admin for pre-authorizations: for the operators of an installation."""

from django.contrib import admin

from fitclaim.preauths.models import Preauthorization


@admin.register(Preauthorization)
class PreauthorizationAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "client",
        "source",
        "status",
        "approved_sessions",
        "valid_from",
        "valid_to",
        "organization",
    )
    list_filter = ("status", "organization")
    search_fields = ("reference", "client__first_name", "client__last_name")
    list_select_related = ("client", "source", "organization")
    raw_id_fields = ("client", "source", "lmn", "created_by")
