from django.contrib import admin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "user", "due_on", "created_at", "read_at", "done_at",
                    "snoozed_until", "emailed_at")  # fmt: skip
    list_filter = ("kind", "due_on", "created_at")
    search_fields = ("title", "key", "user__username")
    readonly_fields = ("key", "created_at")
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    date_hierarchy = "due_on"
