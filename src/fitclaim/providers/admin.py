from django.contrib import admin

from fitclaim.providers.models import Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "credentials", "npi", "license_state", "organization")
    list_filter = ("kind", "organization")
    search_fields = ("name", "npi", "email")
    list_select_related = ("organization",)
