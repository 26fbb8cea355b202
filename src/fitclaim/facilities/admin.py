from django.contrib import admin

from fitclaim.facilities.models import Facility


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "organization")
    list_filter = ("organization",)
    search_fields = ("name", "address")
    list_select_related = ("organization",)
