from django.contrib import admin

from fitclaim.payments.models import (
    Allocation,
    Package,
    Payment,
    Receipt,
    ReceiptLine,
    UploadedReceipt,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money is changed only through the services, which keep every running
    total and the audit trail right; the admin shows it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    raw_id_fields = ["session"]
    readonly_fields = ["session", "amount", "applied_on"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["received_on", "client", "amount", "applied_total", "method", "reference"]
    list_filter = ["method"]
    list_select_related = ["client"]
    search_fields = ["client__last_name", "reference"]
    inlines = [AllocationInline]


@admin.register(Package)
class PackageAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "client", "sessions_count", "price"]
    list_select_related = ["client"]


class ReceiptLineInline(admin.TabularInline):
    model = ReceiptLine
    extra = 0
    readonly_fields = ["session", "allocation", "amount"]
    fields = readonly_fields


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number", "issued_on", "client", "kind", "total"]
    list_filter = ["kind"]
    list_select_related = ["client"]
    inlines = [ReceiptLineInline]


@admin.register(UploadedReceipt)
class UploadedReceiptAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "client", "created_at"]
    list_select_related = ["client"]
