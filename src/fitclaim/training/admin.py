from django.contrib import admin

from fitclaim.training.models import ImportBatch, Schedule, TrainingSession


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "start_time",
        "client",
        "trainer",
        "code",
        "charge",
        "paid_total",
        "status",
    ]
    list_filter = ["status", "code"]
    list_select_related = ["client", "trainer"]
    search_fields = ["client__last_name", "client__first_name", "trainer__name", "external_id"]
    date_hierarchy = "date"
    raw_id_fields = ["client", "trainer", "facility", "schedule", "import_batch", "created_by"]
    # Money moves only through the payment services, which keep the totals right.
    readonly_fields = ["paid_total", "organization", "created_at", "updated_at"]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["starts_on", "client", "trainer", "weekdays", "start_time", "weeks", "code"]
    list_select_related = ["client", "trainer"]
    raw_id_fields = ["client", "trainer", "facility", "created_by"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "file_name", "rows", "organization", "created_by"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False
