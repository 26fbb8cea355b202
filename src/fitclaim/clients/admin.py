"""Django admin for clients: for the operators of a fitclaim installation
(superusers), not for organizations, whose people use the pages."""

from django.contrib import admin

from fitclaim.clients.models import Client
from fitclaim.funding.models import FundingSource


class FundingSourceInline(admin.TabularInline):
    model = FundingSource
    extra = 0
    fields = ("kind", "name", "payer_name", "member_id", "order", "period_start", "period_end")
    show_change_link = True


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "birth_date", "organization", "strategy")
    list_filter = ("organization", "strategy")
    search_fields = ("first_name", "last_name", "email", "phone")
    list_select_related = ("organization",)
    filter_horizontal = ("trainers",)
    inlines = [FundingSourceInline]
