from django.contrib import admin

from fitclaim.trainers.models import Credential, Trainer


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 0
    fields = ("code", "number", "issuer", "issued", "expires")


@admin.register(Trainer)
class TrainerAdmin(admin.ModelAdmin):
    list_display = ("name", "npi", "licensed_profession", "user", "organization")
    list_filter = ("organization", "licensed_profession")
    search_fields = ("name", "email", "npi")
    list_select_related = ("user", "organization")
    raw_id_fields = ("user",)
    inlines = [CredentialInline]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        # Credentials carry their trainer's organization, like every row.
        for credential in formset.save(commit=False):
            credential.organization_id = form.instance.organization_id
            credential.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ("code", "trainer", "issued", "expires")
    list_filter = ("code",)
    search_fields = ("code", "number", "trainer__name")
    list_select_related = ("trainer",)
    exclude = ("organization",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.organization_id = obj.trainer.organization_id
        super().save_model(request, obj, form, change)
