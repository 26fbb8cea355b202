from django.contrib import admin

from fitclaim.claims.models import Answer, Appeal, Claim, ClaimLine, EraImport, X12Batch


class ClaimLineInline(admin.TabularInline):
    model = ClaimLine
    extra = 0
    can_delete = False
    fields = ("date", "code", "units", "charge", "amount", "predicted", "answered", "paid", "open")
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("__str__", "client", "source", "status", "total", "paid_total", "submitted_on")
    list_filter = ("status", "kind")
    search_fields = ("client__last_name", "client__first_name")
    inlines = [ClaimLineInline]
    # Claims change through their services (locks, checks, audit), never here.
    readonly_fields = [f.name for f in Claim._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.register(Answer)
admin.site.register(Appeal)
admin.site.register(EraImport)
admin.site.register(X12Batch)
