from django.contrib import admin

from .models import Contact, Customer, Interaction, MissingDataNote


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class MissingDataInline(admin.TabularInline):
    model = MissingDataNote
    extra = 0
    autocomplete_fields = ["supplier"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "industry", "region", "owner", "lifecycle", "value_tier")
    list_filter = ("industry", "lifecycle", "value_tier", "size")
    search_fields = ("code", "name", "region")
    readonly_fields = ("code", "version", "created_at", "updated_at")
    autocomplete_fields = ["owner"]
    list_select_related = ["owner"]
    inlines = [ContactInline, MissingDataInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "customer", "position", "work_phone", "work_email", "decision_role")
    search_fields = ("name", "customer__name", "customer__code")
    autocomplete_fields = ["customer"]
    list_select_related = ["customer"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("customer", "occurred_at", "method", "mood", "is_late", "logged_by")
    list_filter = ("method", "mood", "is_late")
    search_fields = ("customer__name", "customer__code", "summary")
    autocomplete_fields = ["customer", "logged_by"]
    list_select_related = ["customer", "logged_by"]
    readonly_fields = ("is_late",)


@admin.register(MissingDataNote)
class MissingDataNoteAdmin(admin.ModelAdmin):
    list_display = ("customer", "field", "reason", "supplier", "resolved")
    list_filter = ("resolved", "field")
    autocomplete_fields = ["customer", "supplier"]
