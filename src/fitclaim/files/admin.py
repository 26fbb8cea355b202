from django.contrib import admin

from fitclaim.files.models import StoredFile


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "purpose",
        "content_type",
        "size",
        "organization",
        "created_at",
    ]
    list_filter = ["purpose", "content_type"]
    readonly_fields = [f.name for f in StoredFile._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
