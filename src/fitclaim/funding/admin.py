from django.contrib import admin

from fitclaim.funding.models import FundingSource


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "client", "order", "period_start", "period_end", "organization")
    list_filter = ("kind", "organization")
    search_fields = ("name", "payer_name", "member_id", "client__first_name", "client__last_name")
    list_select_related = ("client", "organization")
    raw_id_fields = ("client",)
