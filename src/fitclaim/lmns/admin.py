"""Django admin for letters: for the operators of an installation. Read-mostly:
a letter's lifecycle goes through the services (audited), not through here."""

from django.contrib import admin

from fitclaim.lmns.models import Lmn, LmnSignatureRequest, ReminderSent


class SignatureRequestInline(admin.TabularInline):
    model = LmnSignatureRequest
    extra = 0
    fields = ("provider_email", "created_at", "expires_at", "used_at", "outcome", "revoked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Lmn)
class LmnAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "client",
        "provider",
        "status",
        "valid_from",
        "valid_to",
        "signed_on",
        "organization",
    )
    list_filter = ("status", "signature_method", "organization")
    search_fields = ("client__first_name", "client__last_name", "provider__name", "signer_name")
    list_select_related = ("client", "provider", "organization")
    raw_id_fields = ("client", "provider", "supersedes", "signed_pdf", "signed_scan", "created_by")
    inlines = [SignatureRequestInline]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Signed letters are immutable: the admin shows them, it does not edit them.
        if obj is not None and obj.status != "draft":
            return [field.name for field in Lmn._meta.fields]
        return (
            "status",
            "signature_method",
            "signer_name",
            "signed_on",
            "signed_at",
            "signer_ip",
            "signer_user_agent",
            "document_sha256",
            "signed_pdf",
            "signed_scan",
            "signature_audit_reference",
        )


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ("lmn", "kind", "recipient", "sent_at", "organization")
    list_filter = ("kind", "organization")
    readonly_fields = ("organization", "lmn", "kind", "recipient", "sent_at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
